package io.kubej.testcluster.cluster;

import java.nio.file.Path;

/**
 * The single-node cluster {@code kubej up} makes: where its state lives and the addresses the
 * hard way uses (service CIDR 10.32.0.0/24, cluster CIDR 10.200.0.0/16, worker-0's pods in
 * 10.200.0.0/24, the worker at 10.240.0.20).
 *
 * <p>The node's address lives on an interface kubej makes ({@code kubej0}), which also routes
 * the service CIDR: a packet to a ClusterIP is rewritten by kube-proxy's DNAT on its way out,
 * and if no rule matches it ends in that interface instead of leaving the machine.
 */
public record ClusterConfig(
        Path dir,
        String clusterName,
        String nodeName,
        String nodeIp,
        String podCidr,
        String clusterCidr,
        String serviceCidr,
        String clusterDns,
        int apiServerPort,
        int etcdClientPort,
        int etcdPeerPort,
        int registryPort,
        String nodeInterface,
        String bridge) {

    public static ClusterConfig defaults(Path dir) {
        return new ClusterConfig(dir, "kubernetes", "worker-0", "10.240.0.20", "10.200.0.0/24", "10.200.0.0/16",
                "10.32.0.0/24", "10.32.0.10", 6443, 2379, 2380, 5000, "kubej0", "cnio0");
    }

    public Path pkiDir() {
        return dir.resolve("pki");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public Path configDir() {
        return dir.resolve("config");
    }

    public Path adminKubeconfig() {
        return pkiDir().resolve("admin.kubeconfig");
    }

    public String apiServerUrl() {
        return "https://127.0.0.1:" + apiServerPort;
    }

    public String etcdUrl() {
        return "https://127.0.0.1:" + etcdClientPort;
    }

    /** containerd's root, state, config and CNI config. */
    public Path containerdDir() {
        return dir.resolve("containerd");
    }

    /** containerd's CRI socket (unix socket paths are limited to 107 bytes: keep the dir short). */
    public Path containerdSocket() {
        return containerdDir().resolve("containerd.sock");
    }

    public Path pki(String file) {
        return pkiDir().resolve(file);
    }
}
