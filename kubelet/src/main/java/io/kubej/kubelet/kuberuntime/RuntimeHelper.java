package io.kubej.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.v1.KeyValue;
import io.kubej.kubelet.cri.v1.Mount;
import java.util.List;

/**
 * What the runtime manager asks the rest of the kubelet for when it creates a container (upstream
 * kubecontainer.RuntimeHelper GenerateRunContainerOptions): the environment (env, envFrom,
 * service links, downward API) and the mounts (volumes, /etc/hosts). The runtime manager knows
 * CRI; where the values come from is the kubelet's business.
 */
@FunctionalInterface
public interface RuntimeHelper {

    /** Env and mounts for one container; command and args already have {@code $(VAR)} expanded. */
    record RunContainerOptions(List<KeyValue> envs, List<Mount> mounts, List<String> command, List<String> args) {
    }

    /**
     * Throws {@link CreateContainerConfigException} when the pod's config cannot be met yet (a
     * referenced ConfigMap key missing): the container is not created, the pod shows why.
     */
    RunContainerOptions generateRunContainerOptions(Pod pod, Container container, String podIP);

    /** The container's command and args as given, no env, no mounts. */
    RuntimeHelper NONE = (pod, container, podIP) -> new RunContainerOptions(List.of(), List.of(),
            container.getCommand() == null ? List.of() : container.getCommand(),
            container.getArgs() == null ? List.of() : container.getArgs());
}
