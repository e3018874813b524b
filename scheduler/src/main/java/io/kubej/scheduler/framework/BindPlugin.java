package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/** Makes the decision real: tells the API server which node the pod runs on. */
public interface BindPlugin extends Plugin {
    Status bind(CycleState state, Pod pod, String nodeName);
}
