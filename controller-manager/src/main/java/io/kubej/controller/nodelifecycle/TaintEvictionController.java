package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Taint-based eviction (upstream: pkg/controller/tainteviction, the NoExecuteTaintManager that
 * once lived inside the node lifecycle controller): a pod on a node with NoExecute taints it does
 * not tolerate is deleted; one that tolerates them for {@code tolerationSeconds} is deleted once
 * that time has passed since the taints were first seen on its node ({@link Tolerations}). When
 * the taints go first, the eviction is cancelled.
 *
 * <p>Before deleting, the pod gets the {@code DisruptionTarget} condition (reason
 * {@code DeletionByTaintManager}) and a {@code TaintManagerEviction} Event says why it went;
 * its owner (a ReplicaSet, ...) then makes a replacement, which the scheduler puts elsewhere
 * since the node is also tainted NoSchedule.
 */
public final class TaintEvictionController extends KeyedController {
    public static final String NAME = "taint-eviction-controller";

    private final KubernetesClient client;
    private final Lister<Pod> pods;
    private final SharedIndexInformer<Pod> podInformer;
    private final Lister<Node> nodes;
    /** Pod UID -> when this controller first saw it on a node with NoExecute taints. */
    private final Map<String, Instant> taintedSince = new ConcurrentHashMap<>();
    private final EventRecorder recorder;

    public TaintEvictionController(KubernetesClient client, SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Node> nodeInformer) {
        super(NAME, List.of(podInformer, nodeInformer));
        this.client = client;
        this.pods = new Lister<>(podInformer.getIndexer());
        this.podInformer = podInformer;
        PodsByNode.index(podInformer);
        this.nodes = new Lister<>(nodeInformer.getIndexer());
        this.recorder = new EventRecorder(client, NAME);
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                enqueue(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                enqueue(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                taintedSince.remove(pod.getMetadata().getUid());
            }
        });
        nodeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                enqueuePodsOn(node);
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {
                if (!NodeTaints.sameTaints(NodeTaints.noExecute(oldNode), NodeTaints.noExecute(newNode))) {
                    enqueuePodsOn(newNode);
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                enqueuePodsOn(node);
            }
        });
    }

    private void enqueue(Pod pod) {
        if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
            queue.add(Keys.of(pod));
        }
    }

    private void enqueuePodsOn(Node node) {
        String name = node.getMetadata().getName();
        PodsByNode.on(podInformer, name).forEach(p -> queue.add(Keys.of(p)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void syncHandler(String key) {
        Pod pod = pods.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (pod == null) {
            return;
        }
        String uid = pod.getMetadata().getUid();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            taintedSince.remove(uid);
            return;
        }
        Node node = nodes.get(Objects.requireNonNullElse(pod.getSpec().getNodeName(), ""));
        List<Taint> taints = node == null ? List.of() : NodeTaints.noExecute(node);
        Optional<Duration> allowed = Tolerations.timeUntilEviction(pod.getSpec().getTolerations(), taints);
        if (allowed.isEmpty()) {
            cancel(pod, uid); // no NoExecute taint any more, or tolerated for ever
            return;
        }
        Instant now = Instant.now();
        Instant since = taintedSince.computeIfAbsent(uid, u -> now);
        Instant deadline = since.plus(allowed.get());
        if (now.isBefore(deadline)) {
            queue.addAfter(key, Duration.between(now, deadline).plusMillis(10));
            return;
        }
        evict(pod);
        taintedSince.remove(uid);
    }

    private void cancel(Pod pod, String uid) {
        if (taintedSince.remove(uid) != null) {
            recorder.event(pod, EventRecorder.NORMAL, "TaintManagerEviction",
                    "Cancelling deletion of Pod " + Keys.of(pod));
        }
    }

    /** Upstream's addConditionAndDeletePod: DisruptionTarget first, so the owner (and a Job's podFailurePolicy) knows why. */
    private void evict(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        recorder.event(pod, EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod " + Keys.of(pod));
        Map<String, Object> condition = Map.of("type", "DisruptionTarget", "status", "True", "reason", "DeletionByTaintManager",
                "message", "Taint manager: deleting due to NoExecute taint",
                "lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            client.pods().inNamespace(ns).resource(pod).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                    Serialization.asJson(Map.of("status", Map.of("conditions", List.of(condition)))));
            client.pods().inNamespace(ns).resource(pod).delete();
            log.info("Deleted pod {}/{} from node {}: NoExecute taint not tolerated", ns, name, pod.getSpec().getNodeName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        super.close();
        recorder.close();
    }
}
