package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.v1.KeyValue;
import io.kubej.kubelet.envvars.ContainerEnv;
import io.kubej.kubelet.envvars.Expansion;
import io.kubej.kubelet.fieldpath.FieldPath;
import io.kubej.kubelet.kuberuntime.CreateContainerConfigException;
import io.kubej.kubelet.kuberuntime.RuntimeHelper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kubelet's answer to the runtime manager's "what env and mounts does this container get"
 * (upstream kubelet_pods.go GenerateRunContainerOptions): the environment from
 * {@link ContainerEnv}, command and args with {@code $(VAR)} expanded against it, and the mounts.
 */
final class ContainerRuntimeOptions implements RuntimeHelper {
    private final ContainerEnv env;
    private final Supplier<String> hostIP;

    ContainerRuntimeOptions(ContainerEnv env, Supplier<String> hostIP) {
        this.env = env;
        this.hostIP = hostIP;
    }

    @Override
    public RunContainerOptions generateRunContainerOptions(Pod pod, Container container, String podIP) {
        Map<String, String> vars;
        try {
            vars = env.make(pod, container, new FieldPath.PodAddresses(podIP, hostIP.get()));
        } catch (IllegalArgumentException e) {
            throw new CreateContainerConfigException(e.getMessage());
        }
        List<KeyValue> envs = new ArrayList<>();
        vars.forEach((k, v) -> envs.add(KeyValue.newBuilder().setKey(k).setValue(v).build()));
        return new RunContainerOptions(envs, List.of(), expand(container.getCommand(), vars), expand(container.getArgs(), vars));
    }

    private static List<String> expand(List<String> words, Map<String, String> vars) {
        return Objects.requireNonNullElse(words, List.<String>of()).stream().map(w -> Expansion.expand(w, vars::get)).toList();
    }
}
