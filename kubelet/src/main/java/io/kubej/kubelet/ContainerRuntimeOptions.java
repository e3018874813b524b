package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.kubej.kubelet.cri.v1.KeyValue;
import io.kubej.kubelet.cri.v1.Mount;
import io.kubej.kubelet.envvars.ContainerEnv;
import io.kubej.kubelet.envvars.Expansion;
import io.kubej.kubelet.fieldpath.FieldPath;
import io.kubej.kubelet.kuberuntime.CreateContainerConfigException;
import io.kubej.kubelet.kuberuntime.RuntimeHelper;
import io.kubej.kubelet.volumemanager.VolumeManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kubelet's answer to the runtime manager's "what env and mounts does this container get"
 * (upstream kubelet_pods.go GenerateRunContainerOptions and makeMounts): the environment from
 * {@link ContainerEnv}, command and args with {@code $(VAR)} expanded against it, one CRI mount
 * per volumeMount (a subPath inside its volume; API data volumes read-only), and the pod's
 * managed /etc/hosts.
 */
final class ContainerRuntimeOptions implements RuntimeHelper {
    static final String ETC_HOSTS = "/etc/hosts";

    private final ContainerEnv env;
    private final VolumeManager volumes;
    private final Supplier<String> hostIP;
    private final String clusterDomain;

    ContainerRuntimeOptions(ContainerEnv env, VolumeManager volumes, Supplier<String> hostIP, String clusterDomain) {
        this.env = env;
        this.volumes = volumes;
        this.hostIP = hostIP;
        this.clusterDomain = clusterDomain;
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
        return new RunContainerOptions(envs, mounts(pod, container, podIP),
                expand(container.getCommand(), vars), expand(container.getArgs(), vars));
    }

    private List<Mount> mounts(Pod pod, Container container, String podIP) {
        String uid = pod.getMetadata().getUid();
        Map<String, VolumeManager.MountedVolume> mounted = volumes.mountedVolumes(uid);
        List<Mount> mounts = new ArrayList<>();
        boolean ownEtcHosts = false;
        for (VolumeMount vm : Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
            VolumeManager.MountedVolume v = mounted.get(vm.getName());
            if (v == null) {
                throw new CreateContainerConfigException("cannot find volume \"" + vm.getName() + "\" to mount into container \""
                        + container.getName() + "\"");
            }
            Path host = v.hostPath();
            String subPath = vm.getSubPath();
            if (subPath != null && !subPath.isEmpty()) {
                if (subPath.startsWith("/") || Arrays.asList(subPath.split("/")).contains("..")) {
                    throw new CreateContainerConfigException("failed to prepare subPath for volumeMount \"" + vm.getName()
                            + "\" of container \"" + container.getName() + "\": subPath must be a relative path without '..'");
                }
                host = host.resolve(subPath);
                if (!Files.exists(host) && !v.readOnly()) {
                    try {
                        Files.createDirectories(host);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            ownEtcHosts |= vm.getMountPath().equals(ETC_HOSTS);
            mounts.add(Mount.newBuilder().setContainerPath(vm.getMountPath()).setHostPath(host.toString())
                    .setReadonly(Boolean.TRUE.equals(vm.getReadOnly()) || v.readOnly()).build());
        }
        if (!ownEtcHosts && !Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            mounts.add(Mount.newBuilder().setContainerPath(ETC_HOSTS).setHostPath(writeHostsFile(pod, podIP).toString()).build());
        }
        return mounts;
    }

    private Path writeHostsFile(Pod pod, String podIP) {
        Path dir = volumes.podDir(pod.getMetadata().getUid());
        Path file = dir.resolve("etc-hosts");
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(".etc-hosts.tmp");
            Files.writeString(tmp, HostsFile.content(pod, podIP, clusterDomain));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static List<String> expand(List<String> words, Map<String, String> vars) {
        return Objects.requireNonNullElse(words, List.<String>of()).stream().map(w -> Expansion.expand(w, vars::get)).toList();
    }
}
