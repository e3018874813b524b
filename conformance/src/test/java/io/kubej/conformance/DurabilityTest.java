package io.kubej.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash may not lose (issue #6): ConfigMaps are created without pause while etcd, then
 * kube-apiserver, is killed with SIGKILL and started again. Every create the API server
 * acknowledged must be in the store afterwards, and an informer that watched throughout must
 * have resumed (re-listing where its watch could not continue) and seen every one of them.
 * Runs the real etcd and the real kube-apiserver process on free loopback ports, no cluster.
 */
class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void killingEtcdOrTheApiServerDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        try (TestControlPlane cp = TestControlPlane.start(dir)) {
            KubernetesClient client = cp.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("crash").endMetadata().build()).create();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("crash").inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap cm) {
                    seen.add(cm.getMetadata().getName());
                }

                @Override
                public void onUpdate(ConfigMap old, ConfigMap cm) {
                    seen.add(cm.getMetadata().getName());
                }

                @Override
                public void onDelete(ConfigMap cm, boolean unknown) {
                }
            });
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    String name = "cm-" + next.getAndIncrement();
                    try {
                        client.configMaps().inNamespace("crash").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                                .endMetadata().addToData("k", name).build()).create();
                        acknowledged.add(name); // only what was answered 201 counts
                    } catch (RuntimeException e) {
                        sleep(50); // etcd or the API server is down: the write was not acknowledged
                    }
                }
            });
            awaitMoreAcks(acknowledged, 50);
            cp.etcd().kill();
            sleep(500); // a moment of downtime while the writer keeps trying
            cp.etcd().restart();
            awaitMoreAcks(acknowledged, 50);
            cp.killApiServer();
            sleep(500);
            cp.restartApiServer();
            awaitMoreAcks(acknowledged, 50);
            writing.set(false);
            writer.join(Duration.ofSeconds(30));

            Set<String> stored = new HashSet<>();
            client.configMaps().inNamespace("crash").list().getItems().forEach(cm -> stored.add(cm.getMetadata().getName()));
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(150);
            assertThat(stored).as("every acknowledged create is stored").containsAll(acknowledged);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(seen).as("the informer resumed and saw every acknowledged create").containsAll(acknowledged));
            informer.close();
            // the API server came back serving: a kubectl-style read through the new process
            assertThat(client.configMaps().inNamespace("crash").withName(List.copyOf(acknowledged).get(0)).get()).isNotNull();
        }
    }

    private static void awaitMoreAcks(Set<String> acknowledged, int more) {
        int target = acknowledged.size() + more;
        await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() >= target);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
