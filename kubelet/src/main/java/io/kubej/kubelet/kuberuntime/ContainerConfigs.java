package io.kubej.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.v1.ContainerConfig;
import io.kubej.kubelet.cri.v1.ContainerMetadata;
import io.kubej.kubelet.cri.v1.ImageSpec;

/**
 * CreateContainer's config (upstream kuberuntime_container.go generateContainerConfig): image,
 * command/args, env and mounts from the {@link RuntimeHelper}, labels that tie the container to
 * its pod, and the log path {@code <name>/<restartCount>.log} under the sandbox's log directory.
 */
final class ContainerConfigs {
    private ContainerConfigs() {
    }

    static ContainerConfig containerConfig(Pod pod, Container container, String imageRef, int restartCount,
            RuntimeHelper.RunContainerOptions options) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(container.getName()).setAttempt(restartCount))
                .setImage(ImageSpec.newBuilder().setImage(imageRef))
                .addAllCommand(options.command())
                .addAllArgs(options.args())
                .setWorkingDir(container.getWorkingDir() == null ? "" : container.getWorkingDir())
                .addAllEnvs(options.envs())
                .addAllMounts(options.mounts())
                .putAllLabels(Labels.podLabels(pod))
                .putLabels(Labels.CONTAINER_NAME, container.getName())
                .putAnnotations(Labels.RESTART_COUNT, Integer.toString(restartCount))
                .putAnnotations(Labels.TERMINATION_GRACE_PERIOD, Long.toString(KubeGenericRuntimeManager.gracePeriod(pod)))
                .setLogPath(container.getName() + "/" + restartCount + ".log")
                .setStdin(Boolean.TRUE.equals(container.getStdin()))
                .setStdinOnce(Boolean.TRUE.equals(container.getStdinOnce()))
                .setTty(Boolean.TRUE.equals(container.getTty()))
                .build();
    }
}
