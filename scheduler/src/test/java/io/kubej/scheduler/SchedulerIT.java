package io.kubej.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-scheduler in-process (started from a KubeSchedulerConfiguration file, as the hard way)
 * against the real kube-apiserver and etcd. Nodes are cluster-wide, so the tests of this class
 * run one after another and each removes the nodes it made.
 */
class SchedulerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubeScheduler scheduler;
    static KubernetesClient client;
    final List<String> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.start(dir);
        client = cp.client();
        Path config = dir.resolve("kube-scheduler.yaml");
        Files.writeString(config, """
                apiVersion: kubescheduler.config.k8s.io/v1beta1
                kind: KubeSchedulerConfiguration
                clientConnection:
                  kubeconfig: "%s"
                leaderElection:
                  leaderElect: true
                """.formatted(cp.kubeconfig()));
        scheduler = new KubeScheduler();
        scheduler.config = config;
        scheduler.start();
        await().atMost(Duration.ofSeconds(60)).until(scheduler::isScheduling);
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @AfterEach
    void removeNodes() {
        nodes.forEach(n -> client.nodes().withName(n).delete());
    }

    static String newNamespace() {
        String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /** Registers a node as a kubelet would: the object, then its status with allocatable. */
    Node registerNode(String name, String cpu, String memory) {
        Node n = TestObjects.node(name, cpu, memory, 110);
        n.getMetadata().setResourceVersion(null);
        var status = n.getStatus();
        Node created = client.nodes().resource(n).create();
        nodes.add(name);
        created.setStatus(status);
        return client.nodes().resource(created).updateStatus();
    }

    @Test
    void podIsBoundToTheNodeWithMostFreeResources() {
        String ns = newNamespace();
        String small = "small-" + ns;
        String big = "big-" + ns;
        registerNode(small, "2", "4Gi");
        registerNode(big, "16", "64Gi");
        Pod pod = TestObjects.pod("web", "500m", "512Mi");
        pod.getMetadata().setUid(null);
        pod.getMetadata().setNamespace(ns);
        client.pods().inNamespace(ns).resource(pod).create();

        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(client.pods().inNamespace(ns).withName("web").get().getSpec().getNodeName()).isEqualTo(big));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Scheduled");
                    assertThat(e.getMessage()).isEqualTo("Successfully assigned " + ns + "/web to " + big);
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                }));
    }

    @Test
    void podThatFitsNowhereGetsFailedSchedulingEvent() {
        String ns = newNamespace();
        String node = "tiny-" + ns;
        registerNode(node, "1", "1Gi");
        Pod pod = TestObjects.pod("greedy", "64", null);
        pod.getMetadata().setUid(null);
        client.pods().inNamespace(ns).resource(pod).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("FailedScheduling");
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).startsWith("0/").contains("Insufficient cpu");
                }));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Pod now = client.pods().inNamespace(ns).withName("greedy").get();
            assertThat(now.getSpec().getNodeName()).isNull();
            assertThat(now.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("PodScheduled");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("Unschedulable");
            });
        });

        // a node big enough joins: the waiting pod is retried on that cluster event and lands there
        String huge = "huge-" + ns;
        registerNode(huge, "128", "256Gi");
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(client.pods().inNamespace(ns).withName("greedy").get().getSpec().getNodeName()).isEqualTo(huge));
    }

    @Test
    void leaderElectionTakesTheKubeSchedulerLease() {
        var lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
        assertThat(lease).isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotEmpty();
    }
}
