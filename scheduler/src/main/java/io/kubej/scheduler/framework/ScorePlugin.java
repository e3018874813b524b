package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** How good is this feasible node for the pod, from 0 to {@link #MAX_NODE_SCORE}? */
public interface ScorePlugin extends Plugin {
    /** Upstream's framework.MaxNodeScore. */
    long MAX_NODE_SCORE = 100;

    long score(CycleState state, Pod pod, NodeInfo node);

    /** The plugin's weight in the profile (upstream default: 1 for NodeResourcesFit). */
    default int weight() {
        return 1;
    }
}
