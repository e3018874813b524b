package io.kubej.kubelet.kuberuntime;

/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers, so that after a
 * restart it can tell from the runtime alone which pod and container each one belongs to
 * (upstream: pkg/kubelet/kuberuntime/labels.go; the same keys, so tools like crictl show them).
 */
public final class Labels {
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
    public static final String TERMINATION_GRACE_PERIOD = "io.kubernetes.pod.terminationGracePeriod";
    /** Marks what this kubelet created, so orphan cleanup never touches anything else. */
    public static final String MANAGED = "io.kubej.kubelet.managed";

    private Labels() {
    }

    /** The labels every sandbox and container of this pod carries. */
    public static java.util.Map<String, String> podLabels(io.fabric8.kubernetes.api.model.Pod pod) {
        return java.util.Map.of(POD_NAME, pod.getMetadata().getName(), POD_NAMESPACE, pod.getMetadata().getNamespace(),
                POD_UID, pod.getMetadata().getUid(), MANAGED, "true");
    }
}
