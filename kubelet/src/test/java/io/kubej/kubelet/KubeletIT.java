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
import io.kubej.testcluster.node.Containerd;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet end to end on one node ({@link TestNode}: the real etcd, kube-apiserver,
 * containerd + CNI + local registry, and the kubelet with its node's own identity).
 */
class KubeletIT {
    @TempDir
    static Path dir;
    static TestNode node;
    static String nodeName;
    static Containerd containerd;
    static KubernetesClient admin;

    @BeforeAll
    static void startClusterAndNode() throws Exception {
        node = TestNode.start(dir);
        nodeName = node.nodeName;
        containerd = node.containerd;
        admin = node.admin;
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (node != null) {
            node.close();
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
            node.kubelet.close();
            // force-delete while no kubelet runs: the API forgets the pod, the runtime still has it
            admin.pods().inNamespace("default").withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace("default").withName(pod.getMetadata().getName()).get() == null);
            node.kubelet = node.newKubelet();
            node.kubelet.start();
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
