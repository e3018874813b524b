package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubej.controller.deployment.DeploymentSpecs;
import io.kubej.controller.deployment.PodTemplateHash;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment controller in-process against the real kube-apiserver and etcd, with the
 * ReplicaSet controller doing its part, as in the hard way (each controller its own service
 * account under RBAC). Nothing plays kubelet: the tests report pods Running and Ready where a
 * kubelet would, which is what moves a rollout on.
 */
class DeploymentControllerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubeControllerManager kcm;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.startHardWay(dir, List.of());
        client = cp.client();
        kcm = new KubeControllerManager();
        kcm.kubeconfig = cp.pki().resolve("kube-controller-manager.kubeconfig");
        kcm.useServiceAccountCredentials = true;
        kcm.leaderElect = false;
        kcm.start();
        await().atMost(Duration.ofSeconds(60)).until(kcm::controllersSynced);
    }

    @AfterAll
    static void stop() {
        if (kcm != null) {
            kcm.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void aNewDeploymentGetsOneOwnedReplicaSetAndItsPodsThenBecomesAvailable() {
        String ns = newNamespace();
        Deployment d = client.apps().deployments().inNamespace(ns).resource(deployment("web", 3, "nginx:1")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "web")).hasSize(3));
        ReplicaSet rs = single(replicaSets(ns));
        String hash = rs.getMetadata().getLabels().get(PodTemplateHash.LABEL);
        assertThat(hash).isNotEmpty();
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getSpec().getSelector().getMatchLabels()).containsEntry(PodTemplateHash.LABEL, hash).containsEntry("app", "web");
        assertThat(rs.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(PodTemplateHash.LABEL, hash);
        assertThat(rs.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Deployment");
            assertThat(ref.getUid()).isEqualTo(d.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
        });
        assertThat(rs.getMetadata().getAnnotations())
                .containsEntry(DeploymentSpecs.REVISION, "1")
                .containsEntry(DeploymentSpecs.DESIRED_REPLICAS, "3")
                .containsEntry(DeploymentSpecs.MAX_REPLICAS, "4"); // 25% surge of 3 rounds up to 1
        assertThat(activePods(ns, "web")).allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry(PodTemplateHash.LABEL, hash));

        // not ready yet: not available
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment now = get(ns, "web");
            assertThat(now.getStatus().getObservedGeneration()).isEqualTo(now.getMetadata().getGeneration());
            assertThat(now.getStatus().getReplicas()).isEqualTo(3);
            assertThat(now.getStatus().getUpdatedReplicas()).isEqualTo(3);
            assertThat(now.getStatus().getUnavailableReplicas()).isEqualTo(3);
            assertThat(condition(now, "Available").getStatus()).isEqualTo("False");
            assertThat(condition(now, "Progressing").getStatus()).isEqualTo("True");
        });

        activePods(ns, "web").forEach(p -> reportReady(ns, p));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment now = get(ns, "web");
            assertThat(now.getStatus().getAvailableReplicas()).isEqualTo(3);
            assertThat(now.getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(intOf(now.getStatus().getUnavailableReplicas())).isZero();
            assertThat(condition(now, "Available")).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("MinimumReplicasAvailable");
            });
            assertThat(condition(now, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
            assertThat(now.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "1");
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "ScalingReplicaSet".equals(e.getReason()))
                .singleElement().satisfies(e -> {
                    assertThat(e.getMessage()).isEqualTo("Scaled up replica set web-" + hash + " to 3");
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                    assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
                }));
    }

    @Test
    void anImageChangeRollsOutWithinMaxSurgeAndMaxUnavailable() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 3, "nginx:1")).create();
        rollOutReady(ns, "web", 3);
        ReplicaSet first = single(replicaSets(ns));

        client.apps().deployments().inNamespace(ns).withName("web")
                .edit(d -> new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("nginx:2").endContainer().endSpec().endTemplate().endSpec().build());

        // 3 replicas, 25%: at most 4 pods wanted (surge 1), at least 3 ready (unavailable 0)
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<ReplicaSet> rss = replicaSets(ns);
            assertThat(rss.stream().mapToInt(DeploymentSpecs::specReplicas).sum()).as("pods wanted").isLessThanOrEqualTo(4);
            List<Pod> pods = activePods(ns, "web");
            assertThat(pods.stream().filter(PodUtil::isReady).count()).as("ready pods").isGreaterThanOrEqualTo(3);
            pods.stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
            Deployment now = get(ns, "web");
            return rss.size() == 2 && complete(now) && pods.size() == 3;
        });
        List<ReplicaSet> rss = replicaSets(ns);
        ReplicaSet old = rss.stream().filter(r -> r.getMetadata().getUid().equals(first.getMetadata().getUid())).findFirst().orElseThrow();
        ReplicaSet current = rss.stream().filter(r -> !r.getMetadata().getUid().equals(first.getMetadata().getUid())).findFirst().orElseThrow();
        assertThat(old.getSpec().getReplicas()).isZero();
        assertThat(old.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "1");
        assertThat(current.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "2");
        assertThat(current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2");
        assertThat(activePods(ns, "web")).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2"));
        assertThat(get(ns, "web").getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "2");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .extracting(e -> e.getMessage())
                .contains("Scaled up replica set " + current.getMetadata().getName() + " to 1",
                        "Scaled down replica set " + old.getMetadata().getName() + " to 2"));
    }

    @Test
    void recreateRemovesEveryOldPodBeforeStartingNewOnes() {
        String ns = newNamespace();
        Deployment d = deployment("db", 2, "postgres:15");
        d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("Recreate").build());
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "db", 2);

        client.apps().deployments().inNamespace(ns).withName("db")
                .edit(x -> new DeploymentBuilder(x).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("postgres:16").endContainer().endSpec().endTemplate().endSpec().build());
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Pod> pods = activePods(ns, "db");
            long images = pods.stream().map(p -> p.getSpec().getContainers().get(0).getImage()).distinct().count();
            assertThat(images).as("old and new pods at once").isLessThanOrEqualTo(1);
            pods.stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
            return replicaSets(ns).size() == 2 && complete(get(ns, "db"));
        });
        assertThat(activePods(ns, "db")).hasSize(2)
                .allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("postgres:16"));
    }

    @Test
    void deletingADeploymentRemovesItsReplicaSetsAndPods() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("gone", 2, "nginx:1")).create();
        rollOutReady(ns, "gone", 2);
        client.apps().deployments().inNamespace(ns).withName("gone").delete(); // Background, as kubectl delete
        // the garbage collector sees the Deployment go, deletes its ReplicaSet, then that one's pods
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(replicaSets(ns)).isEmpty();
            assertThat(activePods(ns, "gone")).isEmpty(); // marked for deletion: no kubelet here finishes it
        });
    }

    @Test
    void scalingResizesTheCurrentReplicaSet() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 3, "nginx:1")).create();
        rollOutReady(ns, "web", 3);
        client.apps().deployments().inNamespace(ns).withName("web").scale(5); // what kubectl scale does: the scale subresource
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ReplicaSet rs = single(replicaSets(ns));
            assertThat(rs.getSpec().getReplicas()).isEqualTo(5);
            assertThat(rs.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.DESIRED_REPLICAS, "5");
            assertThat(activePods(ns, "web")).hasSize(5);
        });
        rollOutReady(ns, "web", 5);
        assertThat(single(replicaSets(ns)).getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "1");
    }

    @Test
    void oldReplicaSetsBeyondTheRevisionHistoryLimitAreDeleted() {
        String ns = newNamespace();
        Deployment d = deployment("web", 1, "nginx:1");
        d.getSpec().setRevisionHistoryLimit(1);
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "web", 1);
        for (String image : List.of("nginx:2", "nginx:3")) {
            client.apps().deployments().inNamespace(ns).withName("web")
                    .edit(x -> new DeploymentBuilder(x).editSpec().editTemplate().editSpec().editFirstContainer()
                            .withImage(image).endContainer().endSpec().endTemplate().endSpec().build());
            rollOutReady(ns, "web", 1);
        }
        // revision 3 runs, revision 2 is kept for a rollback, revision 1 is gone
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(replicaSets(ns))
                .extracting(rs -> rs.getMetadata().getAnnotations().get(DeploymentSpecs.REVISION))
                .containsExactlyInAnyOrder("2", "3"));
    }

    @Test
    void kubectlRolloutUndoBringsTheOldReplicaSetBackAsTheNextRevision() throws Exception {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2, "nginx:1")).create();
        rollOutReady(ns, "web", 2);
        String firstName = single(replicaSets(ns)).getMetadata().getName();
        client.apps().deployments().inNamespace(ns).withName("web")
                .edit(x -> new DeploymentBuilder(x).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("nginx:2").endContainer().endSpec().endTemplate().endSpec().build());
        rollOutReady(ns, "web", 2);

        Process undo = new ProcessBuilder("kubectl", "--kubeconfig", cp.kubeconfig().toString(), "-n", ns,
                "rollout", "undo", "deployment/web").redirectErrorStream(true).start();
        assertThat(undo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(undo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(undo.exitValue()).as(out).isZero();
        rollOutReady(ns, "web", 2);
        // no third ReplicaSet: the first one is the current one again, with revision 3
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<ReplicaSet> rss = replicaSets(ns);
            assertThat(rss).hasSize(2);
            ReplicaSet first = rss.stream().filter(r -> r.getMetadata().getName().equals(firstName)).findFirst().orElseThrow();
            assertThat(first.getSpec().getReplicas()).isEqualTo(2);
            assertThat(first.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "3")
                    .containsEntry(DeploymentSpecs.REVISION_HISTORY, "1");
        });
        assertThat(activePods(ns, "web")).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1"));
    }

    @Test
    void kubectlRolloutStatusSucceedsOncePodsAreReady() throws Exception {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2, "nginx:1")).create();
        Process kubectl = new ProcessBuilder("kubectl", "--kubeconfig", cp.kubeconfig().toString(), "-n", ns,
                "rollout", "status", "deployment/web", "--timeout=90s")
                .redirectErrorStream(true).start();
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
                activePods(ns, "web").stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
                return !kubectl.isAlive();
            });
            String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(kubectl.exitValue()).as(out).isZero();
            assertThat(out).contains("deployment \"web\" successfully rolled out");
        } finally {
            kubectl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ----

    static String newNamespace() {
        String ns = "d-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    static Deployment deployment(String name, int replicas, String image) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    /** Marks pods ready as they appear until the rollout is complete, as `kubectl rollout status` judges it. */
    static void rollOutReady(String ns, String name, int replicas) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            activePods(ns, name).stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
            Deployment d = get(ns, name);
            return complete(d) && d.getStatus().getAvailableReplicas() != null && d.getStatus().getAvailableReplicas() == replicas;
        });
    }

    /** kubectl rollout status's test: observed, all updated, no old replicas, all updated available. */
    static boolean complete(Deployment d) {
        var s = d.getStatus();
        if (s == null || s.getObservedGeneration() == null || s.getObservedGeneration() < d.getMetadata().getGeneration()) {
            return false;
        }
        int replicas = d.getSpec().getReplicas();
        return intOf(s.getUpdatedReplicas()) == replicas && intOf(s.getReplicas()) == intOf(s.getUpdatedReplicas())
                && intOf(s.getAvailableReplicas()) == intOf(s.getUpdatedReplicas());
    }

    private static int intOf(Integer i) {
        return i == null ? 0 : i;
    }

    static Deployment get(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    static List<ReplicaSet> replicaSets(String ns) {
        return client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .sorted(Comparator.comparing(rs -> rs.getMetadata().getCreationTimestamp())).toList();
    }

    static ReplicaSet single(List<ReplicaSet> rss) {
        assertThat(rss).hasSize(1);
        return rss.get(0);
    }

    static List<Pod> activePods(String ns, String app) {
        return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** What a kubelet would report for a started container that passes its readiness probe. */
    static void reportReady(String ns, Pod pod) {
        try {
            Pod fresh = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
            if (fresh == null) {
                return;
            }
            fresh.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.200.0.9")
                    .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
                            .withLastTransitionTime(Instant.now().toString().replaceAll("\\.\\d+Z$", "Z")).build())
                    .build());
            client.pods().inNamespace(ns).resource(fresh).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }
}
