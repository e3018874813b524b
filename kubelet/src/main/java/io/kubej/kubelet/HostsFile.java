package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;

/**
 * The /etc/hosts the kubelet writes for each pod (upstream kubelet_pods.go
 * managedHostsFileContent): localhost entries, the pod's IP with its hostname (and
 * {@code <hostname>.<subdomain>.<namespace>.svc.<domain>} when it has a subdomain), then the
 * spec's hostAliases.
 */
final class HostsFile {
    private HostsFile() {
    }

    static String content(Pod pod, String podIP, String clusterDomain) {
        var spec = pod.getSpec();
        String hostname = spec.getHostname() != null ? spec.getHostname() : pod.getMetadata().getName();
        StringBuilder b = new StringBuilder();
        b.append("# Kubernetes-managed hosts file.\n");
        b.append("127.0.0.1\tlocalhost\n");
        b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.append("fe00::0\tip6-localnet\n");
        b.append("fe00::0\tip6-mcastprefix\n");
        b.append("fe00::1\tip6-allnodes\n");
        b.append("fe00::2\tip6-allrouters\n");
        if (podIP != null && !podIP.isEmpty()) {
            if (spec.getSubdomain() != null && !spec.getSubdomain().isEmpty()) {
                b.append(podIP).append('\t').append(hostname).append('.').append(spec.getSubdomain()).append('.')
                        .append(pod.getMetadata().getNamespace()).append(".svc.").append(clusterDomain).append('\t')
                        .append(hostname).append('\n');
            } else {
                b.append(podIP).append('\t').append(hostname).append('\n');
            }
        }
        List<HostAlias> aliases = Objects.requireNonNullElse(spec.getHostAliases(), List.of());
        if (!aliases.isEmpty()) {
            b.append("\n# Entries added by HostAliases.\n");
            for (HostAlias a : aliases) {
                b.append(a.getIp()).append('\t').append(String.join("\t", Objects.requireNonNullElse(a.getHostnames(), List.of())))
                        .append('\n');
            }
        }
        return b.toString();
    }
}
