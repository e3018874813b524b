package io.kubej.scheduler.framework.plugins.nodeunschedulable;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.FilterPlugin;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Status;
import java.util.List;

/**
 * NodeUnschedulable (upstream: plugins/nodeunschedulable): a cordoned node
 * ({@code kubectl cordon}, spec.unschedulable=true) takes no new pods, unless the pod tolerates
 * the {@code node.kubernetes.io/unschedulable:NoSchedule} taint (DaemonSet pods do).
 */
public final class NodeUnschedulable implements FilterPlugin {
    public static final String NAME = "NodeUnschedulable";
    static final String TAINT_KEY = "node.kubernetes.io/unschedulable";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (!Boolean.TRUE.equals(node.node().getSpec() == null ? null : node.node().getSpec().getUnschedulable())) {
            return Status.success();
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
        boolean tolerated = tolerations.stream().anyMatch(NodeUnschedulable::toleratesUnschedulable);
        return tolerated ? Status.success() : Status.unresolvable(NAME, "node(s) were unschedulable");
    }

    private static boolean toleratesUnschedulable(Toleration t) {
        boolean effectOk = t.getEffect() == null || t.getEffect().isEmpty() || "NoSchedule".equals(t.getEffect());
        boolean keyOk = t.getKey() == null || t.getKey().isEmpty()
                ? "Exists".equals(t.getOperator())
                : TAINT_KEY.equals(t.getKey());
        return effectOk && keyOk;
    }
}
