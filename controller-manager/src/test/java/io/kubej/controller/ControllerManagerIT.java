package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-controller-manager in-process against the real kube-apiserver and etcd. One control
 * plane for the class; each test works in its own namespace. Nothing plays kubelet here, so
 * tests write pod status themselves where a kubelet would (phase, IP, Ready).
 */
class ControllerManagerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubeControllerManager kcm;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.startHardWay(dir, List.of()); // etcd over mTLS, Node+RBAC, as the hard way
        client = cp.client();
        kcm = new KubeControllerManager();
        // as the hard way runs it: its own certificate, and each controller as its own service account under RBAC
        kcm.kubeconfig = cp.pki().resolve("kube-controller-manager.kubeconfig");
        kcm.useServiceAccountCredentials = true;
        kcm.rootCaFile = cp.pki().resolve("ca.pem");
        kcm.leaderElect = true; // as the hard way; proves the Lease is taken before controllers run
        kcm.leaseDuration = "15s";
        kcm.renewDeadline = "10s";
        kcm.retryPeriod = "2s";
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
    void everyNamespaceGetsADefaultServiceAccountAndTheClusterCa() throws Exception {
        String ns = newNamespace();
        await().atMost(TIMEOUT).until(() -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        String ca = java.nio.file.Files.readString(cp.pki().resolve("ca.pem"));
        await().atMost(TIMEOUT).until(() -> {
            var cm = client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
            return cm != null && ca.equals(cm.getData().get("ca.crt"));
        });
        // deleted, it comes back
        client.serviceAccounts().inNamespace(ns).withName("default").delete();
        await().atMost(TIMEOUT).until(() -> {
            var sa = client.serviceAccounts().inNamespace(ns).withName("default").get();
            return sa != null && sa.getMetadata().getDeletionTimestamp() == null;
        });
    }

    @Test
    void eachControllerActsAsItsOwnServiceAccount() {
        for (String sa : List.of("replicaset-controller", "endpoint-controller", "endpointslice-controller", "generic-garbage-collector",
                "namespace-controller", "service-account-controller", "root-ca-cert-publisher", "replication-controller")) {
            assertThat(client.serviceAccounts().inNamespace("kube-system").withName(sa).get()).as(sa).isNotNull();
        }
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("by-sa", 1)).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns, "by-sa").size() == 1);
        // the controller's events name it, and were written with its own identity's rights
        await().atMost(TIMEOUT).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "SuccessfulCreate".equals(e.getReason())));
    }

    static String newNamespace() {
        String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    static ReplicaSet replicaSet(String name, int replicas) {
        return new ReplicaSetBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                        .withNewSpec().addNewContainer().withName("sshd").withImage("sshsrv:v1")
                            .addNewPort().withContainerPort(22).endPort().endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    static List<Pod> activePods(String ns, String app) {
        return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** What a kubelet would report: Running, an IP, Ready true/false. */
    static void reportRunning(String ns, Pod pod, String ip, boolean ready) {
        Pod fresh = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
        fresh.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Running").withPodIP(ip)
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(Instant.now().toString().replaceAll("\\.\\d+Z$", "Z")).build())
                .build());
        client.pods().inNamespace(ns).resource(fresh).updateStatus();
    }

    @Test
    void leaderElectionTakesTheKubeControllerManagerLease() {
        var lease = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
        assertThat(lease).isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotEmpty();
    }

    @Test
    void replicaSetCreatesPodsUpToReplicas() {
        String ns = newNamespace();
        ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).resource(replicaSet("sshsrvset", 3)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "sshsrvset")).hasSize(3));
        for (Pod p : activePods(ns, "sshsrvset")) {
            assertThat(p.getMetadata().getName()).startsWith("sshsrvset-");
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
                assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            ReplicaSet now = client.apps().replicaSets().inNamespace(ns).withName("sshsrvset").get();
            assertThat(now.getStatus().getReplicas()).isEqualTo(3);
            assertThat(now.getStatus().getObservedGeneration()).isEqualTo(now.getMetadata().getGeneration());
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .filteredOn(e -> "SuccessfulCreate".equals(e.getReason()))
                .hasSize(3)
                .allSatisfy(e -> {
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
                    assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
                }));
        // and it stays at 3: expectations stop double creation while the cache lags
        assertThat(activePods(ns, "sshsrvset")).hasSize(3);
    }

    @Test
    void deletingAPodBringsAReplacement() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("web", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "web")).hasSize(2));
        Pod victim = activePods(ns, "web").get(0);
        client.pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "web"))
                .hasSize(2)
                .noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid())));
    }

    @Test
    void scaleDownDeletesNotReadyPodsFirst() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("web", 3)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "web")).hasSize(3));
        List<Pod> pods = activePods(ns, "web");
        reportRunning(ns, pods.get(0), "10.200.0.10", true);
        reportRunning(ns, pods.get(1), "10.200.0.11", false);
        reportRunning(ns, pods.get(2), "10.200.0.12", true);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                client.apps().replicaSets().inNamespace(ns).withName("web").get().getStatus().getReadyReplicas()).isEqualTo(2));

        client.apps().replicaSets().inNamespace(ns).withName("web").scale(2);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "web"))
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(pods.get(0).getMetadata().getName(), pods.get(2).getMetadata().getName()));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .extracting(Event::getReason).contains("SuccessfulDelete"));
    }

    /** Conformance: "ReplicaSet should adopt matching pods on creation and release no longer matching pods". */
    @Test
    void replicaSetAdoptsAMatchingOrphanPod() {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(new PodBuilder()
                .withNewMetadata().withName("orphan").addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .build()).create();
        ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).resource(replicaSet("web", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(activePods(ns, "web")).hasSize(2);
            Pod orphan = client.pods().inNamespace(ns).withName("orphan").get();
            assertThat(orphan.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(r -> assertThat(r.getUid()).isEqualTo(rs.getMetadata().getUid()));
        });

        // relabelled out of the selector: released (no ownerReference) and replaced
        client.pods().inNamespace(ns).withName("orphan").edit(p -> {
            p.getMetadata().getLabels().put("app", "elsewhere");
            return p;
        });
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.pods().inNamespace(ns).withName("orphan").get().getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(activePods(ns, "web")).hasSize(2).noneMatch(p -> p.getMetadata().getName().equals("orphan"));
        });
    }

    /** Conformance: "ReplicaSet should have a working scale subresource". */
    @Test
    void replicaSetsScaleSubresourceReadsAndChangesReplicas() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("scaled", 1)).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns, "scaled").size() == 1);
        var scale = client.apps().replicaSets().inNamespace(ns).withName("scaled").scale();
        assertThat(scale.getSpec().getReplicas()).isEqualTo(1);
        client.apps().replicaSets().inNamespace(ns).withName("scaled").scale(3);
        assertThat(client.apps().replicaSets().inNamespace(ns).withName("scaled").get().getSpec().getReplicas()).isEqualTo(3);
        await().atMost(TIMEOUT).until(() -> activePods(ns, "scaled").size() == 3);
        await().atMost(TIMEOUT).until(() -> client.apps().replicaSets().inNamespace(ns).withName("scaled").scale()
                .getStatus().getReplicas() == 3);
    }

    @Test
    void deletingReplicaSetGarbageCollectsItsPods() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("doomed", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "doomed")).hasSize(2));
        // what `kubectl delete replicaset doomed` sends: background propagation
        client.apps().replicaSets().inNamespace(ns).withName("doomed")
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(client.pods().inNamespace(ns).withLabel("app", "doomed").list().getItems()).isEmpty());
    }

    @Test
    void orphanDeletionKeepsThePodsWithoutTheirOwnerReference() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("kept", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "kept")).hasSize(2));
        // kubectl delete --cascade=orphan
        client.apps().replicaSets().inNamespace(ns).withName("kept").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().replicaSets().inNamespace(ns).withName("kept").get()).isNull();
            assertThat(activePods(ns, "kept")).hasSize(2)
                    .allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).isNullOrEmpty());
        });
    }

    /** Conformance: "Namespaces should ensure that all pods are removed when a namespace is deleted" (and services). */
    @Test
    void deletingANamespaceDeletesEverythingInItThenTheNamespace() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("inside", 2)).create();
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("settings").endMetadata().addToData("k", "v").build()).create();
        client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("inside").endMetadata()
                .withNewSpec().addToSelector("app", "inside").addNewPort().withPort(22).endPort().endSpec().build()).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "inside")).hasSize(2));
        client.namespaces().withName(ns).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.namespaces().withName(ns).get()).isNull());
        // the name is reused: nothing of the old namespace comes back
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(ns).withName("settings").get()).isNull();
        // conformance: "Namespaces should ensure that all services are removed when a namespace is deleted"
        assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void foregroundDeletionRemovesThePodsBeforeTheReplicaSet() {
        String ns = newNamespace();
        client.apps().replicaSets().inNamespace(ns).resource(replicaSet("fg", 2)).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(activePods(ns, "fg")).hasSize(2));
        client.apps().replicaSets().inNamespace(ns).withName("fg").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().replicaSets().inNamespace(ns).withName("fg").get()).isNull();
            assertThat(client.pods().inNamespace(ns).withLabel("app", "fg").list().getItems()).isEmpty();
        });
    }

    @Test
    void endpointsListReadyPodIps() {
        String ns = newNamespace();
        client.services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("sshd").endMetadata()
                .withNewSpec().addToSelector("app", "sshsrv")
                    .addNewPort().withName("ssh").withPort(22).withNewTargetPort(22).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        for (String name : List.of("a", "b")) {
            client.pods().inNamespace(ns).resource(new PodBuilder()
                    .withNewMetadata().withName(name).addToLabels("app", "sshsrv").endMetadata()
                    .withNewSpec().withNodeName("worker-0").addNewContainer().withName("c").withImage("sshsrv:v1").endContainer().endSpec()
                    .build()).create();
        }
        reportRunning(ns, client.pods().inNamespace(ns).withName("a").get(), "10.200.0.21", true);
        reportRunning(ns, client.pods().inNamespace(ns).withName("b").get(), "10.200.0.22", false);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Endpoints ep = client.endpoints().inNamespace(ns).withName("sshd").get();
            assertThat(ep).isNotNull();
            assertThat(ep.getSubsets()).singleElement().satisfies(s -> {
                assertThat(s.getAddresses()).singleElement().satisfies(a -> {
                    assertThat(a.getIp()).isEqualTo("10.200.0.21");
                    assertThat(a.getNodeName()).isEqualTo("worker-0");
                    assertThat(a.getTargetRef().getName()).isEqualTo("a");
                });
                assertThat(s.getNotReadyAddresses()).singleElement().satisfies(a -> assertThat(a.getIp()).isEqualTo("10.200.0.22"));
                assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(22));
            });
        });

        // the not-ready pod becomes ready: it moves to addresses
        reportRunning(ns, client.pods().inNamespace(ns).withName("b").get(), "10.200.0.22", true);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                client.endpoints().inNamespace(ns).withName("sshd").get().getSubsets().get(0).getAddresses()).hasSize(2));

        client.services().inNamespace(ns).withName("sshd").delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.endpoints().inNamespace(ns).withName("sshd").get()).isNull());
    }

    /** Conformance: "EndpointSlice should create Endpoints and EndpointSlices for Pods matching a Service". */
    @Test
    void endpointSlicesListThePodsOfAServiceWithTheirConditionsAndHostnames() {
        String ns = newNamespace();
        client.services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withClusterIP("None").addToSelector("app", "db")
                    .addNewPort().withName("ssh").withPort(22).withNewTargetPort(22).withProtocol("TCP").endPort()
                .endSpec().build()).create();
        for (String name : List.of("db-0", "db-1")) {
            client.pods().inNamespace(ns).resource(new PodBuilder()
                    .withNewMetadata().withName(name).addToLabels("app", "db").endMetadata()
                    .withNewSpec().withNodeName("worker-0").withHostname(name).withSubdomain("db")
                        .addNewContainer().withName("c").withImage("sshsrv:v1").endContainer().endSpec()
                    .build()).create();
        }
        reportRunning(ns, client.pods().inNamespace(ns).withName("db-0").get(), "10.200.0.31", true);
        reportRunning(ns, client.pods().inNamespace(ns).withName("db-1").get(), "10.200.0.32", false);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            var slices = client.discovery().v1().endpointSlices().inNamespace(ns).withLabel("kubernetes.io/service-name", "db")
                    .list().getItems();
            assertThat(slices).singleElement().satisfies(slice -> {
                assertThat(slice.getMetadata().getLabels())
                        .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
                assertThat(slice.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Service"));
                assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(22));
                assertThat(slice.getEndpoints()).extracting(e -> e.getAddresses().get(0), e -> e.getConditions().getReady(), e -> e.getHostname())
                        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("10.200.0.31", true, "db-0"),
                                org.assertj.core.groups.Tuple.tuple("10.200.0.32", false, "db-1"));
            });
            // the Endpoints object says the same, with hostnames for the headless Service's DNS names
            Endpoints ep = client.endpoints().inNamespace(ns).withName("db").get();
            assertThat(ep.getSubsets().get(0).getAddresses()).singleElement()
                    .satisfies(a -> assertThat(a.getHostname()).isEqualTo("db-0"));
        });

        // a slice someone deletes comes back; the Service's deletion takes its slices with it (owner reference)
        client.discovery().v1().endpointSlices().inNamespace(ns).withLabel("kubernetes.io/service-name", "db").delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.discovery().v1().endpointSlices().inNamespace(ns)
                .withLabel("kubernetes.io/service-name", "db").list().getItems()).hasSize(1));
        client.services().inNamespace(ns).withName("db").delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.discovery().v1().endpointSlices().inNamespace(ns)
                .withLabel("kubernetes.io/service-name", "db").list().getItems()).isEmpty());
    }
}
