package io.kubej.scheduler.framework.plugins.noderesources;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.FilterPlugin;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.PreFilterPlugin;
import io.kubej.scheduler.framework.Resource;
import io.kubej.scheduler.framework.ScorePlugin;
import io.kubej.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * NodeResourcesFit (upstream: pkg/scheduler/framework/plugins/noderesources/fit.go): a node fits
 * a pod if the node's allocatable minus what its pods already request covers the pod's
 * requests, for cpu, memory and the pod count. Scoring uses the LeastAllocated strategy,
 * upstream's default: prefer nodes with the most room left, which spreads pods out.
 */
public final class Fit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
    public static final String NAME = "NodeResourcesFit";
    private static final String STATE_KEY = "PreFilter" + NAME;

    private final LeastAllocated scoring = new LeastAllocated();

    @Override
    public String name() {
        return NAME;
    }

    /** Sums the pod's requests once per cycle (init containers and overhead included). */
    @Override
    public Status preFilter(CycleState state, Pod pod) {
        state.write(STATE_KEY, Resource.podRequest(pod));
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<String> insufficient = insufficientResources(state.read(STATE_KEY, Resource.class), node);
        if (insufficient.isEmpty()) {
            return Status.success();
        }
        return Status.unschedulable(NAME, insufficient.toArray(String[]::new));
    }

    /** The reasons the pod does not fit, as upstream words them ("Insufficient cpu", ...). */
    static List<String> insufficientResources(Resource request, NodeInfo node) {
        List<String> reasons = new ArrayList<>();
        Resource allocatable = node.allocatable();
        Resource requested = node.requested();
        if (node.pods().size() + 1 > allocatable.pods()) {
            reasons.add("Too many pods");
        }
        if (request.milliCpu() > 0 && request.milliCpu() > allocatable.milliCpu() - requested.milliCpu()) {
            reasons.add("Insufficient cpu");
        }
        if (request.memory() > 0 && request.memory() > allocatable.memory() - requested.memory()) {
            reasons.add("Insufficient memory");
        }
        return reasons;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        return scoring.score(Resource.podNonZeroRequest(pod), node);
    }
}
