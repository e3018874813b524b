package io.kubej.scheduler.framework.plugins.tainttoleration;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.FilterPlugin;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Status;
import java.util.List;
import java.util.Objects;

/**
 * TaintToleration (upstream: plugins/tainttoleration): a node's NoSchedule and NoExecute taints
 * keep away every pod that does not tolerate them (PreferNoSchedule only affects scoring
 * upstream, which kubej does not do yet).
 */
public final class TaintToleration implements FilterPlugin {
    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> taints = node.node().getSpec() == null || node.node().getSpec().getTaints() == null
                ? List.of() : node.node().getSpec().getTaints();
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
        for (Taint taint : taints) {
            if (!"NoSchedule".equals(taint.getEffect()) && !"NoExecute".equals(taint.getEffect())) {
                continue;
            }
            if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                return Status.unresolvable(NAME, "node(s) had untolerated taint {" + taint.getKey()
                        + (taint.getValue() == null || taint.getValue().isEmpty() ? "" : ": " + taint.getValue()) + "}");
            }
        }
        return Status.success();
    }

    /** Upstream's Toleration.ToleratesTaint: effect, key and (for Equal) value must match. */
    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
            return false;
        }
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        return switch (op) {
            case "Exists" -> true;
            case "Equal" -> Objects.equals(emptyToNull(t.getValue()), emptyToNull(taint.getValue()));
            default -> false;
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
