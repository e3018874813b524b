package io.kubej.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses to the API server through the {@code pods/status} subresource (upstream
 * pkg/kubelet/status/status_manager.go), only when they changed.
 *
 * <p>Why only the status subresource: the kubelet owns a pod's status, users own its spec; the
 * API server keeps the two apart. The write is an update with the cached resourceVersion, so a
 * stale view fails with 409 and the pod is synced again from fresh state.
 */
public final class StatusManager {
    private static final Logger log = LoggerFactory.getLogger(StatusManager.class);
    private final KubernetesClient client;

    public StatusManager(KubernetesClient client) {
        this.client = client;
    }

    /** Sets {@code status} on {@code pod} (a cached object: copied, never mutated). */
    public void setPodStatus(Pod pod, PodStatus status) {
        if (unchanged(pod.getStatus(), status)) {
            return;
        }
        Pod updated = new PodBuilder(pod).withStatus(status).build();
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(updated).updateStatus();
        log.debug("pod {}/{}: status {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), status.getPhase());
    }

    /** Plain equality: the generator keeps startTime and unchanged conditions' times from the old status. */
    private static boolean unchanged(PodStatus a, PodStatus b) {
        return a != null && a.equals(b);
    }
}
