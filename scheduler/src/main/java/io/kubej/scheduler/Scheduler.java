package io.kubej.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.client.cache.Caches;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.Framework;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Status;
import io.kubej.scheduler.internal.cache.Cache;
import io.kubej.scheduler.internal.queue.QueuedPodInfo;
import io.kubej.scheduler.internal.queue.SchedulingQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling cycle, in one place (upstream: pkg/scheduler/schedule_one.go).
 *
 * <p>{@link #scheduleOne} takes one pod at a time off the {@link SchedulingQueue}:
 * <ol>
 *   <li>snapshot the cache (nodes and the pods on them);</li>
 *   <li>PreFilter, then Filter every node: the feasible nodes;</li>
 *   <li>Score the feasible nodes and select the host with the highest score (ties at random);</li>
 *   <li>assume the pod on that node in the cache, so the next cycle already counts it;</li>
 *   <li>bind asynchronously (the binding cycle), so a slow API call does not hold up the next pod.</li>
 * </ol>
 * A pod that fits nowhere gets a FailedScheduling event, the condition PodScheduled=False with
 * reason Unschedulable, and waits in the queue until a cluster event may make it fit.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final KubernetesClient client;
    private final Framework framework;
    private final Cache cache;
    private final SchedulingQueue queue;
    private final EventRecorder recorder;
    private final Set<String> schedulerNames;
    private final List<SharedIndexInformer<?>> informers;
    private final ExecutorService binder = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scheduler-queue-flush");
        t.setDaemon(true);
        return t;
    });
    private Thread loop;
    private volatile boolean running;

    public Scheduler(KubernetesClient client, Framework framework, Set<String> schedulerNames,
            SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Node> nodeInformer) {
        this(client, framework, new Cache(), new SchedulingQueue(), schedulerNames, podInformer, nodeInformer);
    }

    Scheduler(KubernetesClient client, Framework framework, Cache cache, SchedulingQueue queue,
            Set<String> schedulerNames, SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Node> nodeInformer) {
        this.client = client;
        this.framework = framework;
        this.cache = cache;
        this.queue = queue;
        this.schedulerNames = schedulerNames;
        this.recorder = new EventRecorder(client, "default-scheduler");
        this.informers = List.of(podInformer, nodeInformer);
        podInformer.addEventHandler(new PodEvents());
        nodeInformer.addEventHandler(new NodeEvents());
    }

    // ---- informer events: assigned pods feed the cache, pending pods the queue ----

    private final class PodEvents implements ResourceEventHandler<Pod> {
        @Override
        public void onAdd(Pod pod) {
            if (isAssigned(pod)) {
                cache.addOrUpdatePod(pod);
            } else if (responsibleFor(pod)) {
                queue.add(pod);
            }
        }

        @Override
        public void onUpdate(Pod oldPod, Pod newPod) {
            if (isAssigned(newPod)) {
                // bound (by us, confirming the assumption, or by someone else)
                queue.delete(newPod);
                cache.addOrUpdatePod(newPod);
            } else if (responsibleFor(newPod)) {
                queue.update(newPod);
            } else {
                queue.delete(newPod);
            }
        }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            if (isAssigned(pod)) {
                cache.removePod(pod);
                // freed resources may make a waiting pod fit
                queue.moveAllToActiveOrBackoffQueue("AssignedPodDelete");
            } else {
                queue.delete(pod);
            }
        }
    }

    private final class NodeEvents implements ResourceEventHandler<Node> {
        @Override
        public void onAdd(Node node) {
            cache.addOrUpdateNode(node);
            queue.moveAllToActiveOrBackoffQueue("NodeAdd");
        }

        @Override
        public void onUpdate(Node oldNode, Node newNode) {
            cache.addOrUpdateNode(newNode);
            if (schedulingPropertiesChanged(oldNode, newNode)) {
                queue.moveAllToActiveOrBackoffQueue("NodeUpdate");
            }
        }

        @Override
        public void onDelete(Node node, boolean finalStateUnknown) {
            cache.removeNode(node);
        }
    }

    /**
     * Only changes that can make a pod fit count as a NodeUpdate event (upstream:
     * nodeSchedulingPropertiesChange). A kubelet's periodic status heartbeat does not, so it does
     * not make every unschedulable pod retry, and record a new FailedScheduling event, each time.
     */
    static boolean schedulingPropertiesChanged(Node oldNode, Node newNode) {
        return !Objects.equals(allocatable(oldNode), allocatable(newNode))
                || !Objects.equals(oldNode.getMetadata().getLabels(), newNode.getMetadata().getLabels())
                || !Objects.equals(oldNode.getSpec() == null ? null : oldNode.getSpec().getTaints(),
                        newNode.getSpec() == null ? null : newNode.getSpec().getTaints())
                || !Objects.equals(oldNode.getSpec() == null ? null : oldNode.getSpec().getUnschedulable(),
                        newNode.getSpec() == null ? null : newNode.getSpec().getUnschedulable())
                || !Objects.equals(conditionStatuses(oldNode), conditionStatuses(newNode));
    }

    private static Object allocatable(Node n) {
        return n.getStatus() == null ? null : n.getStatus().getAllocatable();
    }

    private static Map<String, String> conditionStatuses(Node n) {
        Map<String, String> m = new java.util.TreeMap<>();
        if (n.getStatus() != null && n.getStatus().getConditions() != null) {
            n.getStatus().getConditions().forEach(c -> m.put(c.getType(), c.getStatus()));
        }
        return m;
    }

    private static boolean isAssigned(Pod pod) {
        return pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }

    /** Pending, not terminal, not being deleted, and asking for one of our profiles. */
    private boolean responsibleFor(Pod pod) {
        String name = pod.getSpec().getSchedulerName() == null ? "default-scheduler" : pod.getSpec().getSchedulerName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return schedulerNames.contains(name)
                && pod.getMetadata().getDeletionTimestamp() == null
                && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    // ---- running ----

    /**
     * Waits up to {@code cacheSyncTimeout} for the informer caches, then starts the scheduling
     * loop. Throws {@link IllegalStateException} if the caches do not sync in time.
     */
    public void run(Duration cacheSyncTimeout) throws InterruptedException {
        Caches.waitForCacheSync("scheduler", cacheSyncTimeout, informers);
        running = true;
        // upstream flushes backoffQ every 1 s and old unschedulable pods every 30 s
        housekeeping.scheduleWithFixedDelay(queue::flush, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(cache::cleanupExpiredAssumedPods, 1, 1, TimeUnit.SECONDS);
        loop = Thread.ofPlatform().daemon().name("scheduleOne").start(() -> {
            while (running) {
                try {
                    if (!scheduleOne()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("unexpected error in scheduling cycle", e);
                }
            }
        });
    }

    public boolean isRunning() {
        return running;
    }

    /** One scheduling cycle for the next pod; false once the queue is closed. */
    boolean scheduleOne() throws InterruptedException {
        QueuedPodInfo info = queue.pop();
        if (info == null) {
            return false;
        }
        Pod pod = info.pod();
        long podCycle = queue.schedulingCycle();
        if (pod.getMetadata().getDeletionTimestamp() != null || cache.isAssumedOrBound(pod)) {
            queue.done(pod);
            return true;
        }
        log.debug("Attempting to schedule pod {}/{}", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        CycleState state = new CycleState();
        String host;
        try {
            host = schedulePod(state, pod);
        } catch (FitError e) {
            handleSchedulingFailure(info, podCycle, "Unschedulable", e.getMessage(), true);
            return true;
        } catch (RuntimeException e) {
            handleSchedulingFailure(info, podCycle, "SchedulerError", e.toString(), false);
            return true;
        }

        // assume: from now on the cache counts the pod on host, before the API server knows
        Pod assumed = Serialization.clone(pod);
        assumed.getSpec().setNodeName(host);
        cache.assumePod(assumed);

        // the binding cycle runs asynchronously; the next pod's scheduling cycle starts now
        binder.submit(() -> bindingCycle(state, info, podCycle, assumed, host));
        return true;
    }

    /** Filter and Score: the name of the node the pod should run on. */
    String schedulePod(CycleState state, Pod pod) throws FitError {
        List<NodeInfo> nodes = cache.snapshot();
        if (nodes.isEmpty()) {
            throw new FitError(0, Map.of());
        }
        Status pre = framework.runPreFilterPlugins(state, pod);
        if (!pre.isSuccess()) {
            if (pre.isUnschedulable()) {
                Map<String, Status> all = new LinkedHashMap<>();
                nodes.forEach(n -> all.put(n.name(), pre));
                throw new FitError(nodes.size(), all);
            }
            throw new IllegalStateException("PreFilter " + pre.plugin() + ": " + pre.message());
        }
        List<NodeInfo> feasible = new ArrayList<>();
        Map<String, Status> failed = new LinkedHashMap<>();
        for (NodeInfo node : nodes) {
            Status s = framework.runFilterPlugins(state, pod, node);
            if (s.isSuccess()) {
                feasible.add(node);
            } else if (s.isUnschedulable()) {
                failed.put(node.name(), s);
            } else {
                throw new IllegalStateException("Filter " + s.plugin() + " on " + node.name() + ": " + s.message());
            }
        }
        if (feasible.isEmpty()) {
            throw new FitError(nodes.size(), failed);
        }
        if (feasible.size() == 1) {
            return feasible.get(0).name(); // nothing to compare: upstream skips scoring too
        }
        return selectHost(framework.runScorePlugins(state, pod, feasible));
    }

    /** The highest total score; among equals, each is equally likely (reservoir sampling). */
    static String selectHost(Map<String, Long> scores) {
        String selected = null;
        long best = Long.MIN_VALUE;
        int ties = 0;
        for (var e : scores.entrySet()) {
            if (e.getValue() > best) {
                best = e.getValue();
                selected = e.getKey();
                ties = 1;
            } else if (e.getValue() == best) {
                ties++;
                if (ThreadLocalRandom.current().nextInt(ties) == 0) {
                    selected = e.getKey();
                }
            }
        }
        return selected;
    }

    private void bindingCycle(CycleState state, QueuedPodInfo info, long podCycle, Pod assumed, String host) {
        Status status = framework.runBindPlugins(state, assumed, host);
        if (status.isSuccess()) {
            cache.finishBinding(assumed);
            queue.done(assumed);
            log.info("Successfully bound pod {}/{} to {}", assumed.getMetadata().getNamespace(), assumed.getMetadata().getName(), host);
            recorder.event(info.pod(), EventRecorder.NORMAL, "Scheduled",
                    "Successfully assigned " + assumed.getMetadata().getNamespace() + "/" + assumed.getMetadata().getName() + " to " + host);
            return;
        }
        cache.forgetPod(assumed);
        handleSchedulingFailure(info, podCycle, "SchedulerError", "binding rejected: " + status.message(), false);
    }

    /**
     * Tells the user (event + PodScheduled condition) and puts the pod back: unschedulable pods
     * wait for a cluster event, errors retry after a backoff.
     */
    private void handleSchedulingFailure(QueuedPodInfo info, long podCycle, String reason, String message, boolean unschedulable) {
        Pod pod = info.pod();
        log.info("Unable to schedule pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), message);
        if (unschedulable) {
            queue.addUnschedulable(info, podCycle);
        } else {
            queue.addBackoff(info);
        }
        recorder.event(pod, EventRecorder.WARNING, "FailedScheduling", message);
        updatePodScheduledCondition(pod, reason, message);
    }

    private void updatePodScheduledCondition(Pod cachedPod, String reason, String message) {
        try {
            Pod fresh = client.pods().inNamespace(cachedPod.getMetadata().getNamespace())
                    .withName(cachedPod.getMetadata().getName()).get();
            if (fresh == null || isAssigned(fresh) || !Objects.equals(fresh.getMetadata().getUid(), cachedPod.getMetadata().getUid())) {
                return;
            }
            if (fresh.getStatus() == null) {
                fresh.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
            }
            List<PodCondition> conditions = fresh.getStatus().getConditions() == null
                    ? new ArrayList<>() : new ArrayList<>(fresh.getStatus().getConditions());
            PodCondition existing = conditions.stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElse(null);
            if (existing != null && "False".equals(existing.getStatus()) && reason.equals(existing.getReason())
                    && message.equals(existing.getMessage())) {
                return; // already says so
            }
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
            conditions.add(new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastProbeTime(null)
                    .withLastTransitionTime(existing != null && "False".equals(existing.getStatus()) ? existing.getLastTransitionTime() : now)
                    .build());
            fresh.getStatus().setConditions(conditions);
            client.pods().inNamespace(fresh.getMetadata().getNamespace()).resource(fresh).updateStatus();
        } catch (KubernetesClientException e) {
            log.debug("could not update PodScheduled condition of {}: {}", cachedPod.getMetadata().getName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        queue.close();
        housekeeping.shutdownNow();
        binder.shutdownNow();
        recorder.close();
        if (loop != null) {
            loop.interrupt();
        }
    }
}
