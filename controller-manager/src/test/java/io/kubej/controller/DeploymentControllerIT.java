package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
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

    /** Conformance: "RecreateDeployment should delete old pods and create new ones". */
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

    /**
     * Conformance: "RollingUpdateDeployment should delete old pods and create new ones". A
     * ReplicaSet made by hand, its pods running, is adopted by a Deployment that selects it; the
     * Deployment's own template rolls out over it, taking the next revision after the adopted one.
     */
    @Test
    void rollingUpdateDeploymentAdoptsAReplicaSetThenDeletesItsPodsAndCreatesNewOnes() {
        String ns = newNamespace();
        ReplicaSet handMade = client.apps().replicaSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                .withNewMetadata().withName("test-rolling-update-controller").addToLabels("app", "sample-pod")
                    .addToAnnotations(DeploymentSpecs.REVISION, "3546343826724305832").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "sample-pod").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "sample-pod").endMetadata()
                        .withNewSpec().addNewContainer().withName("httpd").withImage("httpd:2.4").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build()).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns, "sample-pod").size() == 1);
        activePods(ns, "sample-pod").forEach(p -> reportReady(ns, p));
        Pod oldPod = activePods(ns, "sample-pod").get(0);

        Deployment d = deployment("test-rolling-update-deployment", 1, "agnhost:2.52");
        d.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("app", "sample-pod").build());
        d.getSpec().getTemplate().getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of("app", "sample-pod")));
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "test-rolling-update-deployment", 1, "sample-pod");

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(get(ns, "test-rolling-update-deployment").getMetadata().getAnnotations())
                    .containsEntry(DeploymentSpecs.REVISION, "3546343826724305833");
            List<ReplicaSet> rss = replicaSets(ns);
            assertThat(rss).hasSize(2);
            ReplicaSet adopted = rss.stream().filter(r -> r.getMetadata().getUid().equals(handMade.getMetadata().getUid())).findFirst().orElseThrow();
            assertThat(adopted.getSpec().getReplicas()).isZero();
            assertThat(PodUtil.controllerRef(adopted)).hasValueSatisfying(ref -> assertThat(ref.getKind()).isEqualTo("Deployment"));
            assertThat(activePods(ns, "sample-pod")).singleElement().satisfies(p -> {
                assertThat(p.getMetadata().getUid()).isNotEqualTo(oldPod.getMetadata().getUid());
                assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("agnhost:2.52");
            });
        });
    }

    /**
     * Conformance: "deployment should delete old replica sets". With revisionHistoryLimit 0 the
     * adopted ReplicaSet is deleted once the rollout is complete.
     */
    @Test
    void deploymentDeletesOldReplicaSetsBeyondARevisionHistoryLimitOfZero() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                .withNewMetadata().withName("test-cleanup-controller").addToLabels("app", "cleanup-pod").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "cleanup-pod").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "cleanup-pod").endMetadata()
                        .withNewSpec().addNewContainer().withName("httpd").withImage("httpd:2.4").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build()).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns, "cleanup-pod").size() == 1);
        Deployment d = deployment("test-cleanup-deployment", 1, "agnhost:2.52");
        d.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("app", "cleanup-pod").build());
        d.getSpec().getTemplate().getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of("app", "cleanup-pod")));
        d.getSpec().setRevisionHistoryLimit(0);
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "test-cleanup-deployment", 1, "cleanup-pod");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(replicaSets(ns)).singleElement().satisfies(rs -> {
            assertThat(rs.getMetadata().getName()).startsWith("test-cleanup-deployment-");
            assertThat(rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("agnhost:2.52");
        }));
    }

    /**
     * Conformance: "deployment should support proportional scaling". 10 replicas (maxSurge 3,
     * maxUnavailable 2) roll out to an image whose pods never become ready: the rollout stops at
     * 8 old + 5 new. Scaled to 30 then, each ReplicaSet grows in proportion: 20 old, 13 new.
     */
    @Test
    void scalingDuringAStuckRolloutGrowsEveryReplicaSetInProportion() {
        String ns = newNamespace();
        Deployment d = deployment("webserver", 10, "httpd:2.4");
        d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(3)).withMaxUnavailable(new IntOrString(2)).endRollingUpdate().build());
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "webserver", 10);
        String first = single(replicaSets(ns)).getMetadata().getName();

        client.apps().deployments().inNamespace(ns).withName("webserver")
                .edit(x -> new DeploymentBuilder(x).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("webserver:404").endContainer().endSpec().endTemplate().endSpec().build());
        // nothing marks the new pods ready: the rollout goes as far as maxUnavailable lets it
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(replicaSet(ns, first).getSpec().getReplicas()).isEqualTo(8);
            assertThat(replicaSet(ns, first).getStatus().getAvailableReplicas()).isEqualTo(8);
            ReplicaSet second = replicaSets(ns).stream().filter(r -> !r.getMetadata().getName().equals(first)).findFirst().orElseThrow();
            assertThat(second.getSpec().getReplicas()).isEqualTo(5);
            assertThat(second.getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.MAX_REPLICAS, "13");
        });
        String second = replicaSets(ns).stream().map(r -> r.getMetadata().getName()).filter(n -> !n.equals(first)).findFirst().orElseThrow();

        client.apps().deployments().inNamespace(ns).withName("webserver").scale(30);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(replicaSet(ns, first).getSpec().getReplicas()).isEqualTo(20);
            assertThat(replicaSet(ns, second).getSpec().getReplicas()).isEqualTo(13);
            assertThat(replicaSet(ns, first).getMetadata().getAnnotations())
                    .containsEntry(DeploymentSpecs.DESIRED_REPLICAS, "30").containsEntry(DeploymentSpecs.MAX_REPLICAS, "33");
        });
    }

    /**
     * Conformance: "should validate Deployment Status endpoints": deployments/status is read,
     * updated and patched; the controller keeps conditions it does not own.
     */
    @Test
    void theStatusSubresourceIsReadUpdatedAndPatched() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("test-deployment-status", 1, "httpd:2.4")).create();
        rollOutReady(ns, "test-deployment-status", 1);
        var status = client.apps().deployments().inNamespace(ns).withName("test-deployment-status");
        String raw = client.raw("/apis/apps/v1/namespaces/" + ns + "/deployments/test-deployment-status/status");
        assertThat(raw).contains("\"availableReplicas\":1");

        Deployment current = status.get();
        current.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
                .withType("StatusUpdate").withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
        Deployment updated = client.apps().deployments().inNamespace(ns).resource(current).updateStatus();
        assertThat(updated.getStatus().getConditions()).extracting(DeploymentCondition::getType).contains("StatusUpdate");
        // a status write leaves spec alone
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(current.getMetadata().getGeneration());

        status.subresource("status").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"status\":{\"conditions\":[{\"type\":\"StatusPatched\",\"status\":\"True\"}]}}");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment now = status.get();
            assertThat(now.getStatus().getConditions()).extracting(DeploymentCondition::getType).contains("StatusPatched");
        });
        // the controller's next sync puts its own conditions back beside the patched one
        client.apps().deployments().inNamespace(ns).withName("test-deployment-status").scale(2);
        rollOutReady(ns, "test-deployment-status", 2);
        assertThat(status.get().getStatus().getConditions()).extracting(DeploymentCondition::getType)
                .contains("StatusPatched", "Available", "Progressing");
    }

    /**
     * The availability promise: a rolling update of 10 replicas with maxSurge 1 and
     * maxUnavailable 0 never has fewer than 10 available pods, as the Deployment's status (watched
     * throughout) and the pods (listed while new ones are marked Ready) both show.
     */
    @Test
    void aRollingUpdateWithMaxUnavailableZeroNeverDropsBelowTheReplicaCount() throws Exception {
        String ns = newNamespace();
        Deployment d = deployment("web", 10, "nginx:1");
        d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate().build());
        client.apps().deployments().inNamespace(ns).resource(d).create();
        rollOutReady(ns, "web", 10);

        java.util.concurrent.ConcurrentLinkedQueue<Integer> observed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (var watch = client.apps().deployments().inNamespace(ns).withName("web").watch(new io.fabric8.kubernetes.client.Watcher<Deployment>() {
            @Override
            public void eventReceived(Action action, Deployment resource) {
                if (resource.getStatus() != null) {
                    observed.add(intOf(resource.getStatus().getAvailableReplicas()));
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        })) {
            client.apps().deployments().inNamespace(ns).withName("web")
                    .edit(x -> new DeploymentBuilder(x).editSpec().editTemplate().editSpec().editFirstContainer()
                            .withImage("nginx:2").endContainer().endSpec().endTemplate().endSpec().build());
            int[] minReadyPods = {Integer.MAX_VALUE};
            int[] maxWanted = {0};
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                List<Pod> pods = activePods(ns, "web");
                minReadyPods[0] = Math.min(minReadyPods[0], (int) pods.stream().filter(PodUtil::isReady).count());
                maxWanted[0] = Math.max(maxWanted[0], replicaSets(ns).stream().mapToInt(DeploymentSpecs::specReplicas).sum());
                pods.stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
                Deployment now = get(ns, "web");
                return complete(now) && intOf(now.getStatus().getAvailableReplicas()) == 10
                        && now.getMetadata().getAnnotations().get(DeploymentSpecs.REVISION).equals("2");
            });
            assertThat(minReadyPods[0]).as("ready pods at any listing").isGreaterThanOrEqualTo(10);
            assertThat(maxWanted[0]).as("pods wanted at any listing").isLessThanOrEqualTo(11);
        }
        assertThat(observed).as("availableReplicas in every watched status").isNotEmpty().allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(10));
        assertThat(activePods(ns, "web")).hasSize(10).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2"));
    }

    /**
     * progressDeadlineSeconds: pods that never become ready make the Deployment
     * Progressing=False/ProgressDeadlineExceeded, and `kubectl rollout status` fails saying so.
     */
    @Test
    void kubectlRolloutStatusFailsOnceTheProgressDeadlineIsExceeded() {
        String ns = newNamespace();
        Deployment d = deployment("stuck", 2, "nginx:1");
        d.getSpec().setProgressDeadlineSeconds(4);
        client.apps().deployments().inNamespace(ns).resource(d).create();
        var result = new io.kubej.testcluster.Kubectl(cp.kubeconfig()).run("-n", ns, "rollout", "status", "deployment/stuck", "--timeout=60s");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isNotZero();
        assertThat(result.stderr()).contains("deployment \"stuck\" exceeded its progress deadline");
        assertThat(condition(get(ns, "stuck"), "Progressing")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
            assertThat(c.getMessage()).isEqualTo("ReplicaSet \"" + single(replicaSets(ns)).getMetadata().getName() + "\" has timed out progressing.");
        });
    }

    /**
     * `kubectl rollout pause` stops rollouts but not scaling (Progressing DeploymentPaused),
     * `resume` lets the held template roll out (DeploymentResumed, then the usual reasons),
     * `restart` rolls the same template out again through a new ReplicaSet.
     */
    @Test
    void kubectlRolloutPauseResumeAndRestart() {
        String ns = newNamespace();
        var kubectl = new io.kubej.testcluster.Kubectl(cp.kubeconfig());
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2, "nginx:1")).create();
        rollOutReady(ns, "web", 2);

        kubectl.check("-n", ns, "rollout", "pause", "deployment/web");
        kubectl.check("-n", ns, "set", "image", "deployment/web", "main=nginx:2");
        kubectl.check("-n", ns, "scale", "deployment/web", "--replicas=3");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment now = get(ns, "web");
            assertThat(now.getStatus().getObservedGeneration()).isEqualTo(now.getMetadata().getGeneration());
            assertThat(condition(now, "Progressing").getReason()).isEqualTo("DeploymentPaused");
            ReplicaSet only = single(replicaSets(ns));
            assertThat(only.getSpec().getReplicas()).as("scaling still applies").isEqualTo(3);
            assertThat(only.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).as("no rollout").isEqualTo("nginx:1");
        });

        kubectl.check("-n", ns, "rollout", "resume", "deployment/web");
        rollOutReady(ns, "web", 3);
        assertThat(replicaSets(ns)).hasSize(2);
        assertThat(activePods(ns, "web")).hasSize(3).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2"));

        kubectl.check("-n", ns, "rollout", "restart", "deployment/web");
        rollOutReady(ns, "web", 3);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(replicaSets(ns)).hasSize(3);
            assertThat(get(ns, "web").getMetadata().getAnnotations()).containsEntry(DeploymentSpecs.REVISION, "3");
            assertThat(activePods(ns, "web")).hasSize(3).allSatisfy(p -> assertThat(p.getMetadata().getAnnotations())
                    .containsKey("kubectl.kubernetes.io/restartedAt"));
        });
        String history = kubectl.check("-n", ns, "rollout", "history", "deployment/web");
        assertThat(history).contains("1 ").contains("2 ").contains("3 ");
    }

    /** A ReplicaSet that cannot create its pods (a quota refuses them) shows as ReplicaFailure on the Deployment. */
    @Test
    void podsRefusedByAQuotaShowAsReplicaFailureOnTheDeployment() {
        String ns = newNamespace();
        client.resourceQuotas().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
                .withNewMetadata().withName("two-pods").endMetadata()
                .withNewSpec().addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("2")).endSpec().build()).create();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 3, "nginx:1")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(get(ns, "web"), "ReplicaFailure")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            // the first refusal is kept: "exceeded quota", or a conflict on the quota when two creates race
            assertThat(c.getMessage()).contains("quota").contains("two-pods");
        }));
        assertThat(activePods(ns, "web")).hasSize(2);
        // the quota raised, the third pod comes and the failure goes
        client.resourceQuotas().inNamespace(ns).withName("two-pods")
                .edit(q -> new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder(q).editSpec()
                        .addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("5")).endSpec().build());
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(activePods(ns, "web")).hasSize(3);
            assertThat(get(ns, "web").getStatus().getConditions()).extracting(DeploymentCondition::getType).doesNotContain("ReplicaFailure");
        });
    }

    /** minReadySeconds: a ready pod counts as available only once it has been ready that long. */
    @Test
    void aReadyPodBecomesAvailableOnlyAfterMinReadySeconds() {
        String ns = newNamespace();
        Deployment d = deployment("slow", 1, "nginx:1");
        d.getSpec().setMinReadySeconds(3);
        client.apps().deployments().inNamespace(ns).resource(d).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns, "slow").size() == 1);
        assertThat(single(replicaSets(ns)).getSpec().getMinReadySeconds()).isEqualTo(3);
        Instant readyAt = Instant.now();
        reportReady(ns, activePods(ns, "slow").get(0));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment now = get(ns, "slow");
            assertThat(intOf(now.getStatus().getReadyReplicas())).isEqualTo(1);
            assertThat(intOf(now.getStatus().getAvailableReplicas())).isZero();
        });
        await().atMost(TIMEOUT).until(() -> intOf(get(ns, "slow").getStatus().getAvailableReplicas()) == 1);
        // the reported readiness time is truncated to the second: at least 2 s have passed
        assertThat(Duration.between(readyAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(condition(get(ns, "slow"), "Available").getStatus()).isEqualTo("True");
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
        rollOutReady(ns, name, replicas, name);
    }

    static void rollOutReady(String ns, String name, int replicas, String app) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            activePods(ns, app).stream().filter(p -> !PodUtil.isReady(p)).forEach(p -> reportReady(ns, p));
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
        assertThat(d.getStatus()).as("status of " + d.getMetadata().getName()).isNotNull();
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow(() -> new AssertionError("no " + type + " condition on " + d.getMetadata().getName()));
    }

    static List<ReplicaSet> replicaSets(String ns) {
        return client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .sorted(Comparator.comparing(rs -> rs.getMetadata().getCreationTimestamp())).toList();
    }

    static ReplicaSet replicaSet(String ns, String name) {
        return client.apps().replicaSets().inNamespace(ns).withName(name).get();
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
