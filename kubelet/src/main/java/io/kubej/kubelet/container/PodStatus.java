package io.kubej.kubelet.container;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime has for one pod, in the kubelet's own terms rather than CRI's (upstream
 * pkg/kubelet/container {@code kubecontainer.PodStatus}): its sandboxes and its containers, each
 * newest first. The runtime manager builds it from CRI once; computePodActions, the status
 * generator and the PLEG all read this one value.
 */
public record PodStatus(String uid, List<SandboxStatus> sandboxes, List<ContainerStatus> containers) {

    public PodStatus {
        sandboxes = sandboxes.stream().sorted(Comparator.comparingLong(SandboxStatus::createdAt).reversed()).toList();
        containers = containers.stream().sorted(Comparator.comparingLong(ContainerStatus::createdAt).reversed()).toList();
    }

    public static PodStatus empty(String uid) {
        return new PodStatus(uid, List.of(), List.of());
    }

    /** The newest sandbox, if it is ready (has its network and pause process). */
    public Optional<SandboxStatus> readySandbox() {
        return sandboxes.stream().findFirst().filter(SandboxStatus::ready);
    }

    /** The newest container with this name, in any state. */
    public Optional<ContainerStatus> latest(String containerName) {
        return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
    }

    /** The restart count recorded on the newest container of this name (0 if none). */
    public int restartCount(String containerName) {
        return latest(containerName).map(ContainerStatus::restartCount).orElse(0);
    }
}
