package io.kubej.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.kuberuntime.Labels;
import io.kubej.pki.ClusterPki;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.controlplane.TestControlPlane;
import io.kubej.testcluster.node.Containerd;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The kubelet end to end on one node: the real etcd and kube-apiserver (bin/kube-apiserver),
 * the real containerd + CNI + local registry, and the kubelet with its node's own identity
 * (system:node:NAME from the cluster PKI). No scheduler: pods are created with spec.nodeName.
 */
class KubeletIT {
    @TempDir
    static Path dir;
    static String nodeName = "worker-" + UUID.randomUUID().toString().substring(0, 6);
    static TestControlPlane controlPlane;
    static Registry registry;
    static Containerd containerd;
    static Kubelet kubelet;
    static KubernetesClient admin;

    @BeforeAll
    static void startClusterAndNode() throws Exception {
        controlPlane = TestControlPlane.startHardWay(dir, List.of(new ClusterPki.Node(nodeName, "127.0.0.1")));
        admin = controlPlane.client();
        Path pki = controlPlane.pki();

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
                """.formatted(containerd.spec().podCidr(), Ports.free(), dir.resolve("pods")));
        kubeletArgs = new String[] {"--config=" + config, "--kubeconfig=" + pki.resolve(nodeName + ".kubeconfig"),
                "--container-runtime-endpoint=" + containerd.endpoint(), "--hostname-override=" + nodeName,
                "--node-ip=127.0.0.1", "--register-node=true", "--container-runtime=remote", "--v=2"};
        kubelet = newKubelet();
        kubelet.start();
    }

    static String[] kubeletArgs;

    /** A kubelet as bin/kubelet would run it with the hard way's flags (in-process, no health server). */
    static Kubelet newKubelet() {
        Kubelet k = new Kubelet();
        new CommandLine(k).parseArgs(kubeletArgs);
        return k;
    }

    @AfterAll
    static void stopAll() throws Exception {
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
            for (AutoCloseable c : new AutoCloseable[] {() -> { if (containerd != null) containerd.stop(true); },
                    registry, controlPlane}) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    @Test
    void nodeRegistersBecomesReadyAndRenewsItsLease() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Node node = admin.nodes().withName(nodeName).get();
            assertThat(node).isNotNull();
            assertThat(node.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("KubeletReady");
            });
            assertThat(node.getSpec().getPodCIDR()).isEqualTo(containerd.spec().podCidr());
            assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).startsWith("containerd://");
            assertThat(node.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods");
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Lease lease = admin.resources(Lease.class).inNamespace("kube-node-lease").withName(nodeName).get();
            assertThat(lease).isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(nodeName);
            assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        });
    }

    @Test
    void podBoundToTheNodeRunsWithAPodIpAndDeletingItRemovesItsContainers() throws Exception {
        Pod pod = admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("sshsrv-" + UUID.randomUUID().toString().substring(0, 5))
                .addToLabels("app", "sshsrv-template-label").endMetadata()
                .withNewSpec().withNodeName(nodeName).withTerminationGracePeriodSeconds(2L)
                .addNewContainer().withName("sshsrv").withImage("sshsrv:v1").addNewPort().withContainerPort(22).endPort().endContainer()
                .endSpec().build()).create();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Pod current = admin.pods().inNamespace("default").withName(name).get();
            assertThat(current.getStatus().getPhase()).isEqualTo("Running");
            assertThat(current.getStatus().getPodIP()).isNotBlank();
            assertThat(current.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
        });
        String ip = admin.pods().inNamespace("default").withName(name).get().getStatus().getPodIP();
        await().atMost(Duration.ofSeconds(20)).until(() -> answersOn(ip, 22));

        admin.pods().inNamespace("default").withName(name).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.pods().inNamespace("default").withName(name).get() == null);
        try (RemoteRuntimeService cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofSeconds(30))) {
            assertThat(cri.listPodSandbox(Map.of(Labels.POD_UID, uid))).isEmpty();
            assertThat(cri.listContainers(Map.of(Labels.POD_UID, uid))).isEmpty();
        }
    }

    @Test
    void restartedKubeletRemovesContainersOfPodsDeletedWhileItWasDown() throws Exception {
        Pod pod = admin.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("orphan-" + UUID.randomUUID().toString().substring(0, 5)).endMetadata()
                .withNewSpec().withNodeName(nodeName).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("sshsrv").withImage("sshsrv:v1").endContainer()
                .endSpec().build()).create();
        String uid = pod.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "Running".equals(admin.pods().inNamespace("default").withName(pod.getMetadata().getName()).get().getStatus().getPhase()));

        synchronized (KubeletIT.class) {
            kubelet.close();
            // force-delete while no kubelet runs: the API forgets the pod, the runtime still has it
            admin.pods().inNamespace("default").withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace("default").withName(pod.getMetadata().getName()).get() == null);
            kubelet = newKubelet();
            kubelet.start();
        }
        try (RemoteRuntimeService cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofSeconds(30))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> cri.listPodSandbox(Map.of(Labels.POD_UID, uid)).isEmpty()
                    && cri.listContainers(Map.of(Labels.POD_UID, uid)).isEmpty());
        }
    }

    static boolean answersOn(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 1000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
