package io.kubej.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;
import io.kubej.client.workqueue.ItemExponentialFailureRateLimiter;
import io.kubej.client.workqueue.WorkQueue;
import io.kubej.kubelet.kuberuntime.KubeGenericRuntimeManager;
import io.kubej.kubelet.kuberuntime.PodRuntimeState;
import io.kubej.kubelet.status.PodStatusGenerator;
import io.kubej.kubelet.status.StatusManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's pod workers (upstream pkg/kubelet/pod_workers.go + kubelet.go syncPod): keys
 * {@code namespace/name} from the pod informer and from the periodic relist; each key is synced
 * by one worker at a time.
 *
 * <p>A sync reads the desired pod from the informer cache and the actual state from the CRI, and
 * then either runs the pod (syncPod), or terminates it (deletionTimestamp set: stop with the
 * grace period, remove the sandbox, then delete the API object with grace 0), or removes what
 * the runtime still has of a pod the API no longer knows (an orphan).
 */
public final class PodWorkers {
    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

    private final KubernetesClient client;
    private final Store<Pod> pods;
    private final KubeGenericRuntimeManager runtime;
    private final StatusManager statusManager;
    private final Supplier<String> hostIP;
    // A failed sync is retried quickly at first, and at most every 10 s (upstream's pod workers
    // retry a failed sync after a short back-off plus jitter, not with a controller's long one).
    private final WorkQueue queue = new WorkQueue("pod-workers",
            new ItemExponentialFailureRateLimiter(Duration.ofMillis(200), Duration.ofSeconds(10)));
    private final List<Thread> workers = new ArrayList<>();

    public PodWorkers(KubernetesClient client, Store<Pod> pods, KubeGenericRuntimeManager runtime,
            StatusManager statusManager, Supplier<String> hostIP) {
        this.client = client;
        this.pods = pods;
        this.runtime = runtime;
        this.statusManager = statusManager;
        this.hostIP = hostIP;
    }

    /** Event handlers and the relist call this: they only enqueue. */
    public void enqueue(Pod pod) {
        queue.add(Cache.metaNamespaceKeyFunc(pod));
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    public void start(int workerCount) {
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofVirtual().name("pod-worker-" + i).start(this::runWorker));
        }
    }

    /**
     * The periodic relist (upstream PLEG + housekeeping): every known pod, and every pod the
     * runtime still has sandboxes or containers for (orphans included), is synced again.
     */
    public void relist() {
        pods.list().forEach(this::enqueue);
        try {
            Set<String> known = pods.list().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
            for (Map.Entry<String, String> e : runtime.runningPodUids().entrySet()) {
                if (!known.contains(e.getKey())) {
                    queue.add(e.getValue());
                }
            }
        } catch (RuntimeException e) {
            log.warn("relist failed: {}", e.toString());
        }
    }

    private void runWorker() {
        while (true) {
            String key;
            try {
                key = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Duration again = sync(key);
                queue.forget(key);
                if (again != null) {
                    queue.addAfter(key, again);
                }
            } catch (KubernetesClientException e) {
                log.info("pod {}: {} (will retry)", key, e.getCode() == 409 ? "status conflict" : e.getMessage());
                queue.addRateLimited(key);
            } catch (Exception e) {
                // e.g. the runtime refusing to remove a container that exited a moment ago:
                // every step of a sync is idempotent, so the retry (with per-pod backoff) converges
                log.warn("pod {}: sync failed: {} (will retry)", key, e.toString());
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
            }
        }
    }

    /** One sync of one key; returns when to sync it again (null: on the next event or relist). */
    Duration sync(String key) throws Exception {
        Pod pod = pods.getByKey(key);
        String[] nsName = key.split("/", 2);
        removeOrphans(nsName[0], nsName[1], pod == null ? null : pod.getMetadata().getUid());
        if (pod == null) {
            return null;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod);
            return null;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            // a finished pod never runs again: make sure nothing of it still runs
            runtime.stopPod(runtime.podRuntimeState(pod.getMetadata().getUid()), 0);
            return null;
        }
        Duration again = runtime.syncPod(pod);
        PodRuntimeState state = runtime.podRuntimeState(pod.getMetadata().getUid());
        statusManager.setPodStatus(pod, PodStatusGenerator.generate(pod, state, hostIP.get(), runtime::waitingReason));
        return again;
    }

    /** Kills whatever the runtime has under this name that is not the current pod (uid differs). */
    private void removeOrphans(String namespace, String name, String currentUid) {
        var sandboxes = runtime.cri().listPodSandbox(Map.of(
                io.kubej.kubelet.kuberuntime.Labels.POD_NAMESPACE, namespace,
                io.kubej.kubelet.kuberuntime.Labels.POD_NAME, name));
        var containers = runtime.cri().listContainers(Map.of(
                io.kubej.kubelet.kuberuntime.Labels.POD_NAMESPACE, namespace,
                io.kubej.kubelet.kuberuntime.Labels.POD_NAME, name));
        Set<String> uids = sandboxes.stream().map(s -> s.getMetadata().getUid()).collect(Collectors.toSet());
        containers.forEach(c -> uids.add(c.getLabelsOrDefault(io.kubej.kubelet.kuberuntime.Labels.POD_UID, "")));
        for (String uid : uids) {
            if (!uid.isEmpty() && !uid.equals(currentUid)) {
                log.info("pod {}/{}: removing sandbox and containers of a pod no longer in the API (uid {})", namespace, name, uid);
                runtime.killPod(runtime.podRuntimeState(uid), 0);
                runtime.forgetPod(uid);
            }
        }
    }

    /**
     * Graceful deletion: the API server set deletionTimestamp; the kubelet stops the containers
     * (SIGTERM, SIGKILL after the grace period), removes the sandbox, and then deletes the pod
     * object for good (grace 0), which is what makes it disappear from {@code kubectl get pods}.
     */
    private void terminate(Pod pod) {
        String uid = pod.getMetadata().getUid();
        long grace = KubeGenericRuntimeManager.gracePeriod(pod);
        runtime.killPod(runtime.podRuntimeState(uid), grace);
        runtime.forgetPod(uid);
        log.info("pod {}/{}: terminated, deleting it from the API", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withGracePeriod(0).delete();
    }

    public void stop() {
        queue.close();
        workers.forEach(Thread::interrupt);
    }
}
