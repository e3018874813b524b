package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The taints the node lifecycle controller keeps on a Node, from its conditions (upstream:
 * TaintNodesByCondition and taint-based evictions in pkg/controller/nodelifecycle; the keys
 * are well-known labels, {@code node.kubernetes.io/*}).
 * <ul>
 *   <li>NoSchedule, so the scheduler places no new pod there: not-ready (Ready False),
 *       unreachable (Ready Unknown), memory-, disk-, pid-pressure, network-unavailable, and
 *       unschedulable for a cordoned node ({@code spec.unschedulable});</li>
 *   <li>NoExecute, so the taint eviction controller removes running pods that do not tolerate
 *       it: not-ready or unreachable, one at a time; none on a Ready node. In "master disruption
 *       mode" (no node in the cluster is Ready, which looks more like a network partition of the
 *       control plane than many dead nodes) none is added and those there are removed.</li>
 * </ul>
 * Taints of other owners are kept as they are; a taint already there keeps its timeAdded.
 */
final class NodeTaints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    static final String NO_SCHEDULE = "NoSchedule";
    static final String NO_EXECUTE = "NoExecute";

    /** Upstream's nodeConditionToTaintKeyStatusMap: condition type -> status -> taint key. */
    private static final Map<String, Map<String, String>> CONDITION_TAINTS = Map.of(
            "Ready", Map.of("False", NOT_READY, "Unknown", UNREACHABLE),
            "MemoryPressure", Map.of("True", "node.kubernetes.io/memory-pressure"),
            "DiskPressure", Map.of("True", "node.kubernetes.io/disk-pressure"),
            "NetworkUnavailable", Map.of("True", "node.kubernetes.io/network-unavailable"),
            "PIDPressure", Map.of("True", "node.kubernetes.io/pid-pressure"));

    /** Every key/effect pair this controller owns; other taints are never touched. */
    private static final Set<String> OWNED_KEYS = Set.of(NOT_READY, UNREACHABLE, UNSCHEDULABLE,
            "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure",
            "node.kubernetes.io/network-unavailable", "node.kubernetes.io/pid-pressure");

    private NodeTaints() {
    }

    /**
     * The taints {@code node} should carry, given its {@code conditions}.
     *
     * @param noExecuteAllowed false in master disruption mode: no NoExecute taint then
     */
    static List<Taint> desired(Node node, List<NodeCondition> conditions, boolean noExecuteAllowed, Instant now) {
        Map<String, Taint> want = new LinkedHashMap<>(); // key|effect -> taint
        for (NodeCondition c : conditions) {
            String key = CONDITION_TAINTS.getOrDefault(c.getType(), Map.of()).get(c.getStatus());
            if (key != null) {
                want.put(key + "|" + NO_SCHEDULE, taint(key, NO_SCHEDULE, null));
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            want.put(UNSCHEDULABLE + "|" + NO_SCHEDULE, taint(UNSCHEDULABLE, NO_SCHEDULE, null));
        }
        String ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getStatus).findFirst().orElse(null);
        if (noExecuteAllowed && ("False".equals(ready) || "Unknown".equals(ready))) {
            String key = "False".equals(ready) ? NOT_READY : UNREACHABLE;
            want.put(key + "|" + NO_EXECUTE, taint(key, NO_EXECUTE, now.truncatedTo(ChronoUnit.SECONDS).toString()));
        }
        List<Taint> out = new ArrayList<>();
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        for (Taint t : current) {
            String id = t.getKey() + "|" + t.getEffect();
            if (!owned(t)) {
                out.add(t);
            } else if (want.remove(id) != null) {
                out.add(t); // still wanted: keep it as it is, with its timeAdded
            }
        }
        out.addAll(want.values());
        return out;
    }

    /** Whether this controller owns {@code taint} (its key and a NoSchedule or NoExecute effect). */
    static boolean owned(Taint taint) {
        return OWNED_KEYS.contains(taint.getKey()) && (NO_SCHEDULE.equals(taint.getEffect()) || NO_EXECUTE.equals(taint.getEffect()));
    }

    /** Whether two taint lists are the same set (order aside). */
    static boolean sameTaints(List<Taint> a, List<Taint> b) {
        List<Taint> x = a == null ? List.of() : a;
        List<Taint> y = b == null ? List.of() : b;
        return x.size() == y.size() && x.stream().allMatch(t -> y.stream().anyMatch(u -> Objects.equals(t.getKey(), u.getKey())
                && Objects.equals(t.getEffect(), u.getEffect()) && Objects.equals(t.getValue(), u.getValue())));
    }

    static List<Taint> noExecute(Node node) {
        if (node.getSpec() == null || node.getSpec().getTaints() == null) {
            return List.of();
        }
        return node.getSpec().getTaints().stream().filter(t -> NO_EXECUTE.equals(t.getEffect())).toList();
    }

    private static Taint taint(String key, String effect, String timeAdded) {
        return new TaintBuilder().withKey(key).withEffect(effect).withTimeAdded(timeAdded).build();
    }
}
