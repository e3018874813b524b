package io.kubej.kubelet.nodelease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node Lease against the real kube-apiserver: its owner reference names the current Node,
 * and renewing it does not read the Node every time.
 */
class NodeLeaseControllerIT {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubernetesClient admin;
    /** A client that records "METHOD path" of every request it sends. */
    static KubernetesClient recording;
    static final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir);
        admin = cp.client();
        recording = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("record", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests.add(request.method() + " " + request.uri().getPath());
                    }
                })).build();
    }

    @AfterAll
    static void stop() {
        if (recording != null) {
            recording.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    static Node createNode(String name) {
        return admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    static Lease lease(String name) {
        return admin.resources(Lease.class).inNamespace(NodeLeaseController.NAMESPACE).withName(name).get();
    }

    @Test
    void renewalReadsTheNodeOnlyOnceForItsUid() {
        String name = "lease-" + UUID.randomUUID().toString().substring(0, 6);
        Node node = createNode(name);
        NodeLeaseController controller = new NodeLeaseController(recording, name, 40);

        assertThat(controller.renew()).isTrue();
        assertThat(lease(name).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(node.getMetadata().getUid()));
        requests.clear();
        for (int i = 0; i < 3; i++) {
            assertThat(controller.renew()).isTrue();
        }
        assertThat(requests).noneMatch(r -> r.contains("/nodes/"));
        assertThat(requests).filteredOn(r -> r.startsWith("PUT ")).hasSize(3);
    }

    @Test
    void recreatedNodeBecomesTheLeaseOwner() {
        String name = "lease-" + UUID.randomUUID().toString().substring(0, 6);
        Node first = createNode(name);
        NodeLeaseController controller = new NodeLeaseController(recording, name, 40);
        assertThat(controller.renew()).isTrue();

        admin.nodes().withName(name).withGracePeriod(0).delete();
        admin.nodes().withName(name).waitUntilCondition(n -> n == null, 10, TimeUnit.SECONDS);
        Node second = createNode(name);
        assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());

        // the node status loop reads the new Node and passes it on
        controller.nodeObserved(second);
        assertThat(controller.renew()).isTrue();
        assertThat(lease(name).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(second.getMetadata().getUid()));

        // a Lease removed with its old Node is recreated for the new one, whose uid is read afresh
        admin.resources(Lease.class).inNamespace(NodeLeaseController.NAMESPACE).withName(name).delete();
        admin.nodes().withName(name).withGracePeriod(0).delete();
        admin.nodes().withName(name).waitUntilCondition(n -> n == null, 10, TimeUnit.SECONDS);
        Node third = createNode(name);
        assertThat(controller.renew()).isTrue();
        assertThat(lease(name).getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(third.getMetadata().getUid()));
    }

    @Test
    void noLeaseWhileTheNodeIsNotRegistered() {
        String name = "lease-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(new NodeLeaseController(recording, name, 40).renew()).isFalse();
        assertThat(lease(name)).isNull();
    }
}
