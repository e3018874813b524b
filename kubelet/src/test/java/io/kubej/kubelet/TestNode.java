package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.kuberuntime.Labels;
import io.kubej.pki.ClusterPki;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.controlplane.TestControlPlane;
import io.kubej.testcluster.node.Containerd;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine;

/**
 * One node for the kubelet's integration tests: the real etcd and kube-apiserver (the hard
 * way's flags), the real containerd + CNI + local registry on unique paths and ports, and the
 * kubelet in-process with its node's own identity (system:node:NAME). No scheduler: pods are
 * created with spec.nodeName.
 */
final class TestNode implements AutoCloseable {
    final Path dir;
    final String nodeName = "worker-" + UUID.randomUUID().toString().substring(0, 6);
    final TestControlPlane controlPlane;
    final KubernetesClient admin;
    final Registry registry;
    final Containerd containerd;
    final String[] kubeletArgs;
    Kubelet kubelet;

    private TestNode(Path dir) throws Exception {
        this.dir = dir;
        controlPlane = TestControlPlane.startHardWay(dir, List.of(new ClusterPki.Node(nodeName, "127.0.0.1")));
        admin = controlPlane.client();
        registry = Registry.start(dir.resolve("registry"), Ports.free());
        Images.inDefaultCache().pushAll(registry);
        containerd = Containerd.start(Containerd.Spec.unique(dir.resolve("containerd"), registry.port()));
        Path config = dir.resolve("kubelet-config.yaml");
        Files.writeString(config, """
                kind: KubeletConfiguration
                apiVersion: kubelet.config.k8s.io/v1beta1
                clusterDomain: "cluster.local"
                clusterDNS: ["10.32.0.10"]
                podCIDR: "%s"
                resolvConf: "/etc/resolv.conf"
                runtimeRequestTimeout: "15m"
                healthzPort: %d
                podLogsDir: "%s"
                syncFrequency: "2s"
                """.formatted(containerd.spec().podCidr(), Ports.free(), podLogsDir()));
        kubeletArgs = new String[] {"--config=" + config, "--kubeconfig=" + controlPlane.pki().resolve(nodeName + ".kubeconfig"),
                "--container-runtime-endpoint=" + containerd.endpoint(), "--hostname-override=" + nodeName,
                "--node-ip=127.0.0.1", "--register-node=true", "--container-runtime=remote",
                "--root-dir=" + rootDir(), "--v=2"};
    }

    /** Starts the control plane, the runtime and a kubelet. */
    static TestNode start(Path dir) throws Exception {
        TestNode node = new TestNode(dir);
        try {
            node.kubelet = node.newKubelet();
            node.kubelet.start();
            return node;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    Path podLogsDir() {
        return dir.resolve("pods");
    }

    Path rootDir() {
        return dir.resolve("kubelet-root");
    }

    /** A kubelet as bin/kubelet would run it with the hard way's flags (in-process, no health server). */
    Kubelet newKubelet() {
        Kubelet k = new Kubelet();
        new CommandLine(k).parseArgs(kubeletArgs);
        return k;
    }

    /**
     * What a container wrote, from the CRI log file the runtime keeps
     * ({@code <podLogsDir>/<ns>_<name>_<uid>/<container>/0.log}, lines
     * {@code <time> stdout|stderr F|P <text>}): the texts joined by newlines.
     */
    String log(Pod pod, String container) throws Exception {
        var m = pod.getMetadata();
        Path file = podLogsDir().resolve(m.getNamespace() + "_" + m.getName() + "_" + m.getUid()).resolve(container).resolve("0.log");
        if (!Files.exists(file)) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ", 4);
            lines.add(f.length == 4 ? f[3] : "");
        }
        return String.join("\n", lines);
    }

    @Override
    public void close() throws Exception {
        try {
            if (kubelet != null) {
                kubelet.close();
            }
            if (containerd != null) {
                // what pods are left: remove them through CRI so CNI DEL runs
                try (RemoteRuntimeService cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofSeconds(30))) {
                    for (var c : cri.listContainers(Map.of(Labels.MANAGED, "true"))) {
                        cri.stopContainer(c.getId(), 0);
                        cri.removeContainer(c.getId());
                    }
                    for (var s : cri.listPodSandbox(Map.of(Labels.MANAGED, "true"))) {
                        cri.stopPodSandbox(s.getId());
                        cri.removePodSandbox(s.getId());
                    }
                }
            }
        } finally {
            // tmpfs volumes of pods still on the node, so the test's directory can be removed
            Containerd.unmountUnder(rootDir());
            for (AutoCloseable c : new AutoCloseable[] {() -> { if (containerd != null) containerd.stop(true); },
                    registry, controlPlane}) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
