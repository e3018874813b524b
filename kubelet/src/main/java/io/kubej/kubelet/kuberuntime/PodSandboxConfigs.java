package io.kubej.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cm.PodContainerManager;
import io.kubej.kubelet.cri.v1.DNSConfig;
import io.kubej.kubelet.cri.v1.LinuxPodSandboxConfig;
import io.kubej.kubelet.cri.v1.LinuxSandboxSecurityContext;
import io.kubej.kubelet.cri.v1.NamespaceMode;
import io.kubej.kubelet.cri.v1.NamespaceOption;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.cri.v1.PodSandboxMetadata;
import io.kubej.kubelet.cri.v1.PortMapping;
import io.kubej.kubelet.cri.v1.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunPodSandbox's config from the pod spec (upstream kuberuntime_sandbox.go
 * generatePodSandboxConfig, and pkg/kubelet/network/dns for the DNS part): identity, hostname,
 * log directory, DNS, host ports, namespaces and the pod's cgroup.
 */
public final class PodSandboxConfigs {
    private static final Logger log = LoggerFactory.getLogger(PodSandboxConfigs.class);
    private final KubeGenericRuntimeManager.NodeSettings settings;

    public PodSandboxConfigs(KubeGenericRuntimeManager.NodeSettings settings) {
        this.settings = settings;
    }

    public PodSandboxConfig sandboxConfig(Pod pod, int attempt) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        String hostname = spec.getHostname() != null ? spec.getHostname() : meta.getName();
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(meta.getName()).setNamespace(meta.getNamespace())
                        .setUid(meta.getUid()).setAttempt(attempt))
                .setHostname(Boolean.TRUE.equals(spec.getHostNetwork()) ? "" : hostname)
                .setLogDirectory(logDirectory(pod).toString())
                .setDnsConfig(dnsConfig(pod))
                .putAllLabels(Objects.requireNonNullElse(meta.getLabels(), Map.of()))
                .putAllLabels(Labels.podLabels(pod))
                .putAllAnnotations(Objects.requireNonNullElse(meta.getAnnotations(), Map.of()))
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(PodContainerManager.cgroupParent(meta.getUid()))
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder()
                                        .setNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? NamespaceMode.NODE : NamespaceMode.POD)
                                        .setPid(Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE : NamespaceMode.CONTAINER)
                                        .setIpc(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD))));
        for (Container c : spec.getContainers()) {
            for (ContainerPort p : Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of())) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    b.addPortMappings(PortMapping.newBuilder()
                            .setProtocol(switch (Objects.requireNonNullElse(p.getProtocol(), "TCP")) {
                                case "UDP" -> Protocol.UDP;
                                case "SCTP" -> Protocol.SCTP;
                                default -> Protocol.TCP;
                            })
                            .setContainerPort(p.getContainerPort()).setHostPort(p.getHostPort())
                            .setHostIp(Objects.requireNonNullElse(p.getHostIP(), "")));
                }
            }
        }
        return b.build();
    }

    /** {@code <podLogsDir>/<namespace>_<name>_<uid>}, where CRI writes the containers' logs. */
    public Path logDirectory(Pod pod) {
        var meta = pod.getMetadata();
        return Path.of(settings.podLogsDir(), meta.getNamespace() + "_" + meta.getName() + "_" + meta.getUid());
    }

    /** dnsPolicy ClusterFirst: the cluster DNS and search path; Default: the node's resolv.conf. */
    DNSConfig dnsConfig(Pod pod) {
        String policy = Objects.requireNonNullElse(pod.getSpec().getDnsPolicy(), "ClusterFirst");
        boolean clusterFirst = (policy.equals("ClusterFirst") && !Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))
                || policy.equals("ClusterFirstWithHostNet");
        if (clusterFirst && !settings.clusterDNS().isEmpty()) {
            String d = settings.clusterDomain();
            return DNSConfig.newBuilder().addAllServers(settings.clusterDNS())
                    .addSearches(pod.getMetadata().getNamespace() + ".svc." + d).addSearches("svc." + d).addSearches(d)
                    .addOptions("ndots:5").build();
        }
        DNSConfig.Builder b = DNSConfig.newBuilder();
        try {
            for (String line : Files.readAllLines(settings.resolvConf())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                switch (f[0]) {
                    case "nameserver" -> b.addServers(f[1]);
                    case "search" -> b.addAllSearches(List.of(f).subList(1, f.length));
                    case "options" -> b.addAllOptions(List.of(f).subList(1, f.length));
                    default -> { }
                }
            }
        } catch (IOException e) {
            log.warn("cannot read resolvConf {}: {}", settings.resolvConf(), e.toString());
        }
        return b.build();
    }
}
