package io.kubej.controller;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a ReplicaSet deletes surplus pods: the pods first in this order go first
 * (upstream: {@code ActivePodsWithRanks} in pkg/controller/controller_utils.go).
 *
 * <p>Why this order: scaling down should hurt the workload as little as possible, so the pods
 * doing the least useful work go first:
 * <ol>
 *   <li>not yet scheduled before scheduled;</li>
 *   <li>Pending before Unknown before Running;</li>
 *   <li>not ready before ready;</li>
 *   <li>lower {@code controller.kubernetes.io/pod-deletion-cost} annotation first;</li>
 *   <li>pods doubled up on a node (higher rank = more of this ReplicaSet's pods on the same
 *       node) before lonely ones, to keep the spread;</li>
 *   <li>ready for a shorter time first;</li>
 *   <li>more container restarts first;</li>
 *   <li>newer (later creationTimestamp) first.</li>
 * </ol>
 * (Upstream's LogarithmicScaleDown compares ages in log2 buckets and then by UID; kubej compares
 * exact times.)
 */
public final class ActivePodsWithRanks {
    public static final String POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private ActivePodsWithRanks() {
    }

    /** {@code pods} sorted so that the first {@code n} are the ones to delete. */
    public static List<Pod> sortForDeletion(List<Pod> pods) {
        Map<Pod, Integer> ranks = ranksByRelatedPodsOnSameNode(pods);
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(comparator(ranks));
        return sorted;
    }

    /** Each pod's rank: how many of {@code pods} run on its node (0 when unscheduled). */
    static Map<Pod, Integer> ranksByRelatedPodsOnSameNode(List<Pod> pods) {
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod p : pods) {
            String node = nodeName(p);
            if (!node.isEmpty() && PodUtil.isActive(p)) {
                perNode.merge(node, 1, Integer::sum);
            }
        }
        Map<Pod, Integer> ranks = new java.util.IdentityHashMap<>();
        for (Pod p : pods) {
            ranks.put(p, perNode.getOrDefault(nodeName(p), 0));
        }
        return ranks;
    }

    static Comparator<Pod> comparator(Map<Pod, Integer> ranks) {
        return Comparator
                .comparing((Pod p) -> nodeName(p).isEmpty() ? 0 : 1)
                .thenComparing(p -> phaseOrder(p))
                .thenComparing(p -> PodUtil.isReady(p) ? 1 : 0)
                .thenComparing(ActivePodsWithRanks::deletionCost)
                .thenComparing(p -> -ranks.getOrDefault(p, 0))
                // ready for less time first; "ready since" later means less time
                .thenComparing(ActivePodsWithRanks::readySince, Comparator.nullsFirst(Comparator.reverseOrder()))
                .thenComparing(p -> -maxRestarts(p))
                .thenComparing(p -> PodUtil.parseTime(p.getMetadata().getCreationTimestamp()),
                        Comparator.nullsFirst(Comparator.reverseOrder()));
    }

    private static String nodeName(Pod p) {
        return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
    }

    private static int phaseOrder(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Running".equals(phase)) {
            return 2;
        }
        if ("Unknown".equals(phase)) {
            return 1;
        }
        return 0; // Pending, or no status yet
    }

    private static int deletionCost(Pod p) {
        Map<String, String> annotations = p.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(POD_DELETION_COST)) {
            return 0;
        }
        try {
            return Integer.parseInt(annotations.get(POD_DELETION_COST).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant readySince(Pod p) {
        if (!PodUtil.isReady(p)) {
            return null;
        }
        return PodUtil.readyCondition(p).map(c -> PodUtil.parseTime(c.getLastTransitionTime())).orElse(null);
    }

    private static int maxRestarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return p.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getRestartCount).filter(java.util.Objects::nonNull)
                .max(Integer::compare).orElse(0);
    }
}
