package io.kubej.kubelet.kuberuntime;

import io.kubej.kubelet.cri.v1.ContainerStatus;
import io.kubej.kubelet.cri.v1.PodSandboxState;
import io.kubej.kubelet.cri.v1.PodSandboxStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime actually has for one pod (upstream kubecontainer.PodStatus): its sandboxes,
 * newest first, and its containers' statuses, newest first. Computed fresh on every sync.
 */
public record PodRuntimeState(String uid, List<PodSandboxStatus> sandboxes, List<ContainerStatus> containers) {

    public PodRuntimeState {
        sandboxes = sandboxes.stream().sorted(Comparator.comparingLong(PodSandboxStatus::getCreatedAt).reversed()).toList();
        containers = containers.stream().sorted(Comparator.comparingLong(ContainerStatus::getCreatedAt).reversed()).toList();
    }

    /** The newest sandbox, if it is ready (has its network and pause process). */
    public Optional<PodSandboxStatus> readySandbox() {
        return sandboxes.stream().findFirst().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY);
    }

    /** The newest container with this name, in any state. */
    public Optional<ContainerStatus> latest(String containerName) {
        return containers.stream().filter(c -> c.getMetadata().getName().equals(containerName)).findFirst();
    }

    /** The restart count recorded on the newest container of this name (0 if none). */
    public int restartCount(String containerName) {
        return latest(containerName).map(c -> Integer.parseInt(c.getAnnotationsOrDefault(Labels.RESTART_COUNT, "0"))).orElse(0);
    }
}
