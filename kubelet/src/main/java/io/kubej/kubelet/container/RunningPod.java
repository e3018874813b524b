package io.kubej.kubelet.container;

import java.util.Map;

/**
 * A pod as one runtime list shows it, without inspecting anything (upstream kubecontainer.Pod
 * from GetPods): who it is, from the labels, and the state of each sandbox and container by ID.
 * Two relists that give equal RunningPods saw no change in that pod.
 */
public record RunningPod(String uid, String namespace, String name, Map<String, String> sandboxes,
        Map<String, String> containers) {

    /** {@code namespace/name}, the pod workers' key. */
    public String key() {
        return namespace + "/" + name;
    }
}
