package io.kubej.kubelet.kuberuntime;

import io.kubej.kubelet.container.ContainerStatus;
import io.kubej.kubelet.container.PodStatus;
import io.kubej.kubelet.cri.RemoteRuntimeService;

/**
 * Removes dead container instances nobody needs (upstream kuberuntime_gc.go, with
 * MaxPerPodContainer = 1): of a container about to start again, only its newest dead instance is
 * kept, for {@code kubectl logs --previous} and lastState.
 */
final class ContainerGC {
    private final RemoteRuntimeService cri;

    ContainerGC(RemoteRuntimeService cri) {
        this.cri = cri;
    }

    void removeOlderInstances(PodStatus status, String containerName) {
        status.containers().stream().filter(c -> c.name().equals(containerName)).skip(1)
                .map(ContainerStatus::id).forEach(cri::removeContainer);
    }
}
