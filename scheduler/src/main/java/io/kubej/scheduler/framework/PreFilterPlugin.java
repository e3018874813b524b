package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Runs once per cycle before any Filter: precompute, or reject the pod outright. */
public interface PreFilterPlugin extends Plugin {
    Status preFilter(CycleState state, Pod pod);
}
