package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Can the pod run on this node? Run for every node; any non-success rules the node out. */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, Pod pod, NodeInfo node);
}
