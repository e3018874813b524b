package io.kubej.scheduler.internal.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The scheduler's view of the cluster: nodes, and which pods (bound or only assumed) use each
 * node's resources (upstream: pkg/scheduler/internal/cache).
 *
 * <p>Why "assume": binding is asynchronous, and the informer reports the bound pod only later.
 * Between the decision and that report, the next cycle must already count the pod on its node,
 * else two pods could be placed into the same free space. So the scheduler assumes the pod on
 * the node right after choosing it; the informer's add confirms it; a failed binding forgets it;
 * an assumed pod never confirmed expires (upstream: 15 min after binding finished).
 */
public final class Cache {
    private static final Duration ASSUMED_POD_TTL = Duration.ofMinutes(15);

    private record PodState(Pod pod, boolean assumed, long bindingFinishedNanos) {
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();

    // ---- nodes, fed by the node informer ----

    public synchronized void addOrUpdateNode(Node node) {
        nodes.put(node.getMetadata().getName(), node);
    }

    public synchronized void removeNode(Node node) {
        nodes.remove(node.getMetadata().getName());
    }

    // ---- pods ----

    /** The scheduler decided: count {@code pod} (with spec.nodeName set) on its node from now on. */
    public synchronized void assumePod(Pod pod) {
        String key = key(pod);
        if (pods.containsKey(key)) {
            throw new IllegalStateException("pod " + key + " is already in the cache");
        }
        pods.put(key, new PodState(pod, true, 0));
    }

    /** The binding call returned; the TTL for an unconfirmed assumption starts now. */
    public synchronized void finishBinding(Pod pod) {
        PodState s = pods.get(key(pod));
        if (s != null && s.assumed()) {
            pods.put(key(pod), new PodState(s.pod(), true, System.nanoTime()));
        }
    }

    /** The binding failed: the pod no longer uses its node's resources. */
    public synchronized void forgetPod(Pod pod) {
        PodState s = pods.get(key(pod));
        if (s != null && s.assumed()) {
            pods.remove(key(pod));
        }
    }

    /** The informer reports an assigned pod (possibly confirming an assumed one). */
    public synchronized void addOrUpdatePod(Pod pod) {
        if (isTerminal(pod)) {
            pods.remove(key(pod));
            return;
        }
        pods.put(key(pod), new PodState(pod, false, 0));
    }

    public synchronized void removePod(Pod pod) {
        pods.remove(key(pod));
    }

    public synchronized boolean isAssumedOrBound(Pod pod) {
        return pods.containsKey(key(pod));
    }

    /** Drops assumed pods whose binding finished too long ago without the informer confirming them. */
    public synchronized void cleanupExpiredAssumedPods() {
        long now = System.nanoTime();
        pods.values().removeIf(s -> s.assumed() && s.bindingFinishedNanos() != 0
                && now - s.bindingFinishedNanos() > ASSUMED_POD_TTL.toNanos());
    }

    /** An immutable view of every node, for one scheduling cycle. */
    public synchronized List<NodeInfo> snapshot() {
        Map<String, List<Pod>> byNode = new HashMap<>();
        for (PodState s : pods.values()) {
            String node = s.pod().getSpec().getNodeName();
            if (node != null) {
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(s.pod());
            }
        }
        List<NodeInfo> infos = new ArrayList<>();
        for (Node node : nodes.values()) {
            List<Pod> onNode = byNode.getOrDefault(node.getMetadata().getName(), List.of());
            infos.add(nodeInfo(node, onNode));
        }
        return infos;
    }

    public static NodeInfo nodeInfo(Node node, List<Pod> pods) {
        Resource requested = Resource.ZERO;
        Resource nonZero = Resource.ZERO;
        for (Pod p : pods) {
            requested = requested.plus(Resource.podRequest(p));
            nonZero = nonZero.plus(Resource.podNonZeroRequest(p));
        }
        return new NodeInfo(node, List.copyOf(pods), requested, nonZero);
    }

    public synchronized int nodeCount() {
        return nodes.size();
    }

    private static boolean isTerminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/"
                + Objects.toString(pod.getMetadata().getUid(), "");
    }
}
