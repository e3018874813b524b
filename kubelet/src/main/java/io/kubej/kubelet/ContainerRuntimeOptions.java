package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.v1.KeyValue;
import io.kubej.kubelet.kuberuntime.RuntimeHelper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kubelet's answer to the runtime manager's "what env and mounts does this container get"
 * (upstream kubelet_pods.go GenerateRunContainerOptions).
 */
final class ContainerRuntimeOptions implements RuntimeHelper {
    private final Supplier<String> hostIP;

    ContainerRuntimeOptions(Supplier<String> hostIP) {
        this.hostIP = hostIP;
    }

    @Override
    public RunContainerOptions generateRunContainerOptions(Pod pod, Container container, String podIP) {
        List<KeyValue> envs = new ArrayList<>();
        for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            String value = env.getValue();
            if (value == null && env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                value = switch (env.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> pod.getMetadata().getName();
                    case "metadata.namespace" -> pod.getMetadata().getNamespace();
                    case "metadata.uid" -> pod.getMetadata().getUid();
                    case "spec.nodeName" -> pod.getSpec().getNodeName();
                    case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
                    default -> null;
                };
            }
            if (value != null) {
                envs.add(KeyValue.newBuilder().setKey(env.getName()).setValue(value).build());
            }
        }
        return new RunContainerOptions(envs, List.of(), Objects.requireNonNullElse(container.getCommand(), List.of()),
                Objects.requireNonNullElse(container.getArgs(), List.of()));
    }
}
