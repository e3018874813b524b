package io.kubej.controller.podgc;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which pods PodGC removes (upstream: pkg/controller/podgc/gc_controller.go), as pure rules
 * over the cached pods and nodes:
 * <ul>
 *   <li>terminated pods (Succeeded or Failed) beyond {@code --terminated-pod-gc-threshold},
 *       evicted ones first, then oldest first, so the API server does not fill up with the
 *       remains of finished Jobs;</li>
 *   <li>pods bound to a node that no longer exists (orphans: no kubelet will ever finish them);</li>
 *   <li>pods being deleted that were never scheduled (no kubelet to confirm the deletion);</li>
 *   <li>pods being deleted on a not-ready node an admin marked
 *       {@code node.kubernetes.io/out-of-service} (non-graceful node shutdown, KEP-2268).</li>
 * </ul>
 */
final class PodGcSelection {
    static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

    private PodGcSelection() {
    }

    static boolean isTerminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Upstream's eviction.PodIsEvicted: the kubelet's eviction manager failed it. */
    static boolean isEvicted(Pod pod) {
        return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase()) && "Evicted".equals(pod.getStatus().getReason());
    }

    /** Upstream's byEvictionAndCreationTimestamp: evicted first, then by creation time, then by name. */
    static final Comparator<Pod> DELETION_ORDER = Comparator
            .comparing((Pod p) -> !isEvicted(p))
            .thenComparing(p -> java.time.Instant.parse(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName());

    /** The terminated pods to delete so that at most {@code threshold} remain; none when threshold <= 0. */
    static List<Pod> terminatedOverThreshold(List<Pod> pods, int threshold) {
        if (threshold <= 0) {
            return List.of();
        }
        List<Pod> terminated = pods.stream().filter(PodGcSelection::isTerminated).sorted(DELETION_ORDER).toList();
        int excess = terminated.size() - threshold;
        return excess <= 0 ? List.of() : terminated.subList(0, excess);
    }

    /** The names of nodes pods are bound to but the cache does not have: candidates for quarantine. */
    static Set<String> missingNodes(List<Pod> pods, Set<String> existingNodes) {
        return pods.stream().map(p -> p.getSpec().getNodeName())
                .filter(n -> n != null && !n.isEmpty() && !existingNodes.contains(n))
                .collect(java.util.stream.Collectors.toSet());
    }

    static List<Pod> onNodes(List<Pod> pods, Set<String> nodes) {
        return pods.stream().filter(p -> p.getSpec().getNodeName() != null && nodes.contains(p.getSpec().getNodeName())).toList();
    }

    static List<Pod> unscheduledTerminating(List<Pod> pods) {
        return pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null
                && (p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty())).toList();
    }

    /** Terminating pods on a node that is not Ready and carries the out-of-service taint. */
    static List<Pod> terminatingOutOfService(List<Pod> pods, java.util.function.Function<String, Node> nodeByName) {
        return pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null && p.getSpec().getNodeName() != null)
                .filter(p -> {
                    Node node = nodeByName.apply(p.getSpec().getNodeName());
                    return node != null && !isReady(node) && node.getSpec() != null && node.getSpec().getTaints() != null
                            && node.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()));
                })
                .sorted(DELETION_ORDER).toList();
    }

    static boolean isReady(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
