package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The garbage collector and the ReplicationController controller against the real
 * kube-apiserver and etcd, as the hard way runs them (each controller its own service account,
 * under RBAC). Test names say the behaviour; the comment names the upstream conformance test
 * each mirrors. One control plane for the class, a namespace per test; no kubelet, so pods
 * are deleted at once unless a finalizer holds them.
 */
class GarbageCollectorIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String HOLD = "kubej.io/test-hold";

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
        kcm.gcDiscoveryPeriod = Duration.ofSeconds(2); // a CRD made by a test is followed within seconds
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

    // conformance: Garbage collector should delete RS created by deployment when not orphaning
    @Test
    void deletingADeploymentDeletesItsReplicaSetAndPods() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2));

        client.apps().deployments().inNamespace(ns).withName("web").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
            assertThat(pods(ns)).isEmpty();
        });
    }

    // conformance: Garbage collector should orphan RS created by deployment when deleteOptions.PropagationPolicy is Orphan
    @Test
    void orphanDeletionOfADeploymentKeepsItsReplicaSetWithoutTheOwnerReference() {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(1));

        client.apps().deployments().inNamespace(ns).withName("web").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace(ns).withName("web").get()).isNull();
            assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).singleElement()
                    .satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty());
        });
        // and it stays: nothing collects an orphan
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).singleElement()
                        .satisfies(rs -> assertThat(rs.getMetadata().getDeletionTimestamp()).isNull()));
    }

    // conformance: Garbage collector should keep the rc around until all its pods are deleted if the deleteOptions says so
    @Test
    void foregroundDeletionKeepsTheReplicationControllerUntilAllItsPodsAreGone() {
        String ns = newNamespace();
        ReplicationController rc = client.replicationControllers().inNamespace(ns).resource(replicationController("held", 2, HOLD)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2));

        client.replicationControllers().inNamespace(ns).withName("held").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        // its pods are being deleted, but their finalizer holds them, so the rc waits
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2)
                .allSatisfy(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull()));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ReplicationController now = client.replicationControllers().inNamespace(ns).withName("held").get();
            assertThat(now).isNotNull();
            assertThat(now.getMetadata().getUid()).isEqualTo(rc.getMetadata().getUid());
            assertThat(now.getMetadata().getFinalizers()).contains("foregroundDeletion");
        });

        for (Pod p : pods(ns)) {
            client.pods().inNamespace(ns).withName(p.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(pods(ns)).isEmpty();
            assertThat(client.replicationControllers().inNamespace(ns).withName("held").get()).isNull();
        });
    }

    // conformance: Garbage collector should delete pods created by rc when not orphaning
    @Test
    void deletingAReplicationControllerDeletesItsPods() {
        String ns = newNamespace();
        client.replicationControllers().inNamespace(ns).resource(replicationController("rc", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2));

        client.replicationControllers().inNamespace(ns).withName("rc").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).isEmpty());
    }

    // conformance: Garbage collector should orphan pods created by rc if delete options say so
    @Test
    void orphanDeletionOfAReplicationControllerKeepsItsPodsWithoutTheOwnerReference() {
        String ns = newNamespace();
        client.replicationControllers().inNamespace(ns).resource(replicationController("rc", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2));

        client.replicationControllers().inNamespace(ns).withName("rc").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.replicationControllers().inNamespace(ns).withName("rc").get()).isNull();
            assertThat(pods(ns)).hasSize(2).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).isNullOrEmpty());
        });
    }

    // conformance: Garbage collector should not delete dependents that have both valid owner and owner that's waiting for
    // dependents to be deleted
    @Test
    void aDependentWithAValidOwnerSurvivesItsOtherOwnersForegroundDeletion() {
        String ns = newNamespace();
        ConfigMap waiting = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("waiting")
                .endMetadata().build()).create();
        ConfigMap valid = configMap(ns, "valid");
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("shared")
                .withOwnerReferences(ownerRef(waiting, true), ownerRef(valid, true)).endMetadata().build()).create();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("only-waiting")
                .withOwnerReferences(ownerRef(waiting, true)).endMetadata().build()).create();

        client.configMaps().inNamespace(ns).withName("waiting").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.configMaps().inNamespace(ns).withName("waiting").get()).isNull();
            assertThat(client.configMaps().inNamespace(ns).withName("only-waiting").get()).isNull();
            assertThat(client.configMaps().inNamespace(ns).withName("shared").get()).satisfies(d -> {
                assertThat(d.getMetadata().getDeletionTimestamp()).isNull();
                assertThat(d.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(r -> assertThat(r.getUid()).isEqualTo(valid.getMetadata().getUid()));
            });
        });
    }

    // conformance: Garbage collector should not be blocked by dependency circle
    @Test
    void aDependencyCircleDoesNotBlockForegroundDeletion() {
        String ns = newNamespace();
        ConfigMap cm1 = configMap(ns, "cm1");
        ConfigMap cm2 = configMap(ns, "cm2");
        ConfigMap cm3 = configMap(ns, "cm3");
        // cm1 is owned by cm3, cm2 by cm1, cm3 by cm2, every reference blocking
        setOwner(ns, "cm1", cm3);
        setOwner(ns, "cm2", cm1);
        setOwner(ns, "cm3", cm2);

        client.configMaps().inNamespace(ns).withName("cm1").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.configMaps().inNamespace(ns).list().getItems())
                .extracting(c -> c.getMetadata().getName()).doesNotContain("cm1", "cm2", "cm3"));
    }

    @Test
    void aDependentWithAnotherOwnerAliveLosesOnlyTheReferenceToTheDeletedOwner() {
        String ns = newNamespace();
        ConfigMap kept = configMap(ns, "kept");
        ConfigMap gone = configMap(ns, "gone");
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .withOwnerReferences(ownerRef(kept, true), ownerRef(gone, true)).endMetadata().build()).create();

        client.configMaps().inNamespace(ns).withName("gone").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.configMaps().inNamespace(ns).withName("dependent").get())
                .satisfies(d -> assertThat(d.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(r -> assertThat(r.getUid()).isEqualTo(kept.getMetadata().getUid()))));
    }

    @Test
    void anOwnerReferenceToAnotherNamespaceIsInvalidAndItsDependentIsCollected() {
        String owners = newNamespace();
        String ns = newNamespace();
        ConfigMap elsewhere = configMap(owners, "owner");
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .withOwnerReferences(ownerRef(elsewhere, false)).endMetadata().build()).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.configMaps().inNamespace(ns).withName("dependent").get()).isNull());
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("OwnerRefInvalidNamespace");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("dependent");
                }));
        assertThat(client.configMaps().inNamespace(owners).withName("owner").get()).isNotNull();
    }

    @Test
    void aClusterScopedOwnerOfANamespacedDependentIsValid() {
        String ns = newNamespace();
        String ownerNs = newNamespace();
        var owner = client.namespaces().withName(ownerNs).get();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .withOwnerReferences(ownerRef(owner, false)).endMetadata().build()).create();

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(client.configMaps().inNamespace(ns).withName("dependent").get()).isNotNull());

        client.namespaces().withName(ownerNs).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.configMaps().inNamespace(ns).withName("dependent").get()).isNull());
    }

    /** A kind the collector did not know when it started: discovery finds it, both as owner and as dependent. */
    @Test
    void aCustomResourceOwnsAndIsOwnedOnceDiscoveryListsIt() {
        String ns = newNamespace();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("widgets.gc.kubej.io").endMetadata()
                .withNewSpec().withGroup("gc.kubej.io").withScope("Namespaced")
                    .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").withListKind("WidgetList").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true)
                        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                        .endOpenAPIV3Schema().endSchema()
                    .endVersion()
                .endSpec().build()).create();
        var widgets = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("gc.kubej.io").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true).build());
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> widgets.inNamespace(ns).list() != null);
        try {
            GenericKubernetesResource owner = widgets.inNamespace(ns).resource(widget("owner")).create();
            client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("owned-by-widget")
                    .withOwnerReferences(ownerRef(owner, true)).endMetadata().build()).create();
            ConfigMap cmOwner = configMap(ns, "owns-a-widget");
            GenericKubernetesResource dependent = widget("dependent");
            dependent.getMetadata().setOwnerReferences(List.of(ownerRef(cmOwner, true)));
            widgets.inNamespace(ns).resource(dependent).create();

            widgets.inNamespace(ns).withName("owner").delete();
            client.configMaps().inNamespace(ns).withName("owns-a-widget").delete();

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(client.configMaps().inNamespace(ns).withName("owned-by-widget").get()).isNull();
                assertThat(widgets.inNamespace(ns).withName("dependent").get()).isNull();
            });
        } finally {
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).delete();
        }
    }

    @Test
    void kubectlDeleteCascadeOrphanKeepsTheReplicaSet() throws Exception {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 1)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(1));

        kubectl(ns, "delete", "deployment", "web", "--cascade=orphan");

        assertThat(client.apps().deployments().inNamespace(ns).withName("web").get()).isNull();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems())
                .singleElement().satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty()));
        assertThat(pods(ns)).hasSize(1);
    }

    @Test
    void kubectlDeleteCascadeForegroundReturnsOnceTheReplicaSetAndPodsAreGone() throws Exception {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(deployment("web", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(2));

        // kubectl waits for the Deployment to disappear: with Foreground, that is after its dependents
        kubectl(ns, "delete", "deployment", "web", "--cascade=foreground");

        assertThat(client.apps().deployments().inNamespace(ns).withName("web").get()).isNull();
        assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(pods(ns)).isEmpty();
    }

    @Test
    void aReplicationControllerKeepsItsReplicasAndOwnsThem() {
        String ns = newNamespace();
        ReplicationController rc = client.replicationControllers().inNamespace(ns).resource(replicationController("rc", 3)).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(3).allSatisfy(p ->
                assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                    assertThat(r.getKind()).isEqualTo("ReplicationController");
                    assertThat(r.getUid()).isEqualTo(rc.getMetadata().getUid());
                    assertThat(r.getController()).isTrue();
                })));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var status = client.replicationControllers().inNamespace(ns).withName("rc").get().getStatus();
            assertThat(status.getReplicas()).isEqualTo(3);
            assertThat(status.getObservedGeneration()).isEqualTo(rc.getMetadata().getGeneration());
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "SuccessfulCreate".equals(e.getReason())).hasSize(3)
                .allSatisfy(e -> {
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicationController");
                    assertThat(e.getSource().getComponent()).isEqualTo("replication-controller");
                }));

        client.replicationControllers().inNamespace(ns).withName("rc").scale(1);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods(ns)).hasSize(1));
    }

    // ---- helpers ----

    private static void kubectl(String ns, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", cp.kubeconfig().toString(), "-n", ns));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl %s finished", String.join(" ", args)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String newNamespace() {
        String ns = "gc-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    private static List<Pod> pods(String ns) {
        return client.pods().inNamespace(ns).list().getItems();
    }

    private static ConfigMap configMap(String ns, String name) {
        return client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData("k", "v").build()).create();
    }

    private static void setOwner(String ns, String name, ConfigMap owner) {
        client.configMaps().inNamespace(ns).withName(name).edit(cm -> new ConfigMapBuilder(cm).editMetadata()
                .withOwnerReferences(ownerRef(owner, true)).endMetadata().build());
    }

    private static OwnerReference ownerRef(HasMetadata owner, boolean block) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(block).build();
    }

    private static GenericKubernetesResource widget(String name) {
        return new GenericKubernetesResourceBuilder().withApiVersion("gc.kubej.io/v1").withKind("Widget")
                .withNewMetadata().withName(name).endMetadata().build();
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("nginx:1").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    private static ReplicationController replicationController(String name, int replicas, String... podFinalizers) {
        return new ReplicationControllerBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).addToSelector("app", name)
                    .withNewTemplate().withNewMetadata().addToLabels("app", name).withFinalizers(podFinalizers).endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("nginx:1").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }
}
