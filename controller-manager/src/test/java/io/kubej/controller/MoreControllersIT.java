package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.pki.CertificateAuthority;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smaller controllers of kube-controller-manager (disruption, resource quota, ClusterRole
 * aggregation, TTL after finished, EndpointSlice mirroring, CSR approving, and the HPA
 * controller that reports why it cannot scale), in-process against the real kube-apiserver and
 * etcd, each controller as its own service account under RBAC, as {@link ControllerManagerIT}
 * runs them. No kubelet runs: tests write pod and Job status themselves where one (or the Job
 * controller, which kubej lacks) would.
 */
class MoreControllersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> KUBELET_CLIENT = List.of("digital signature", "key encipherment", "client auth");

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
        kcm.horizontalPodAutoscalerSyncPeriod = "1s";
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

    // ---- disruption ----

    /** Conformance "DisruptionController should observe PodDisruptionBudget status updated", and the counts behind it. */
    @Test
    void aBudgetsStatusCountsItsReadyPodsAgainstMinAvailableAndAControllersScaleAgainstMaxUnavailable() {
        String ns = newNamespace();
        for (int i = 0; i < 3; i++) {
            readyPod(ns, "web-" + i, "web");
        }
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(pdb("keep-two", "web", new IntOrString(2), null)).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("keep-two").get();
            assertThat(pdb.getStatus().getObservedGeneration()).isEqualTo(pdb.getMetadata().getGeneration());
            assertThat(pdb.getStatus().getExpectedPods()).isEqualTo(3);
            assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(3);
            assertThat(pdb.getStatus().getDesiredHealthy()).isEqualTo(2);
            assertThat(pdb.getStatus().getDisruptionsAllowed()).isEqualTo(1);
            assertThat(pdb.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionAllowed");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("SufficientPods");
            });
        });
        // a pod no longer Ready is no longer healthy
        client.pods().inNamespace(ns).withName("web-0").editStatus(p -> withReady(p, false));
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("keep-two").get();
            assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(2);
            assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
            assertThat(pdb.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getReason()).isEqualTo("InsufficientPods"));
        });

        // maxUnavailable counts against the ReplicaSet's 4 replicas, whatever number of its pods exist
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("api").endMetadata()
                .withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata().withNewSpec().addNewContainer()
                .withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(ns).withLabel("app", "api").list().getItems().size() == 4);
        client.pods().inNamespace(ns).withLabel("app", "api").list().getItems()
                .forEach(p -> client.pods().inNamespace(ns).withName(p.getMetadata().getName()).editStatus(q -> running(q, true)));
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(pdb("api", "api", null, new IntOrString("25%"))).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("api").get();
            assertThat(pdb.getStatus().getExpectedPods()).isEqualTo(4);
            assertThat(pdb.getStatus().getDesiredHealthy()).isEqualTo(3);
            assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo(4);
            assertThat(pdb.getStatus().getDisruptionsAllowed()).isEqualTo(1);
        });
    }

    /** Conformance "DisruptionController should block an eviction until the PDB is updated to allow it". */
    @Test
    void anEvictionIsRefusedWith429UntilTheBudgetIsUpdatedToAllowIt() throws Exception {
        String ns = newNamespace();
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(pdb("foo", "db", new IntOrString(3), null)).create();
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata().withNewSpec().addNewContainer()
                .withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        awaitReadyPods(ns, "db", 3);
        String victim = client.pods().inNamespace(ns).withLabel("app", "db").list().getItems().get(0).getMetadata().getName();
        assertRefusedByBudget(evict(ns, victim));

        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").edit(p -> {
            p.getSpec().setMinAvailable(new IntOrString(2));
            return p;
        });
        await().atMost(TIMEOUT).until(() -> allowed(ns, "foo") == 1);
        HttpResponse<String> allowed = evict(ns, victim);
        assertThat(allowed.code()).as(allowed.body()).isEqualTo(201);
        PodDisruptionBudget spent = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").get();
        assertThat(spent.getStatus().getDisruptionsAllowed()).as("the eviction took the one disruption").isZero();
        assertThat(spent.getStatus().getDisruptedPods()).containsKey(victim);

        // patched to maxUnavailable 0: nothing may go, whatever the ReplicaSet has replaced meanwhile
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"minAvailable\":null,\"maxUnavailable\":0}}");
        awaitReadyPods(ns, "db", 3);
        await().atMost(TIMEOUT).until(() -> allowed(ns, "foo") == 0);
        String next = client.pods().inNamespace(ns).withLabel("app", "db").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElseThrow().getMetadata().getName();
        assertRefusedByBudget(evict(ns, next));
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns)
                .withName("foo").get().getStatus().getDisruptedPods()).as("the controller drops the evicted pod once it is gone").isNullOrEmpty());

        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").delete();
        await().atMost(TIMEOUT).until(() -> client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").get() == null);
        assertThat(evict(ns, next).code()).as("no budget: evicted").isEqualTo(201);
    }

    /** Conformance "DisruptionController should update/patch PodDisruptionBudget status". */
    @Test
    void aBudgetsStatusCanBeUpdatedAndPatchedThroughTheStatusSubresource() {
        String ns = newNamespace();
        readyPod(ns, "pod-0", "web");
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(pdb("foo", "web", new IntOrString(1), null)).create();
        await().atMost(TIMEOUT).until(() -> allowed(ns, "foo") >= 0);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").editStatus(p -> {
            p.getStatus().setDisruptedPods(Map.of("pod-0", now));
            return p;
        });
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").get().getStatus().getDisruptedPods())
                .as("the pod exists, so the controller keeps the entry").containsKey("pod-0");
        PodDisruptionBudget patched = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"disruptedPods\":{\"pod-0\":null}}}");
        assertThat(patched.getStatus().getDisruptedPods()).isNullOrEmpty();
    }

    // ---- resource quota ----

    /** Conformance "ResourceQuota should create a ResourceQuota and capture the life of a pod". */
    @Test
    void aQuotasUsageFollowsAPodsCreationAndDeletion() {
        String ns = newNamespace();
        client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("test-quota").endMetadata()
                .withNewSpec().addToHard("pods", new Quantity("5")).addToHard("requests.cpu", new Quantity("1"))
                .addToHard("requests.memory", new Quantity("500Mi")).addToHard("configmaps", new Quantity("10")).endSpec().build()).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            ResourceQuota q = quota(ns);
            assertThat(q.getStatus().getHard()).isEqualTo(q.getSpec().getHard());
            assertThat(used(q)).containsEntry("pods", "0").containsEntry("requests.cpu", "0").containsEntry("requests.memory", "0");
        });
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("pfpod").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").withNewResources().addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("252Mi")).endResources().endContainer().endSpec().build()).create();
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withName("cm").endMetadata().build()).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(used(quota(ns))).containsEntry("pods", "1")
                .containsEntry("requests.cpu", "500m").containsEntry("requests.memory", "252Mi"));
        // kube-root-ca.crt and ours
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(used(quota(ns)).get("configmaps"))
                .isEqualTo(String.valueOf(client.configMaps().inNamespace(ns).list().getItems().size())));
        client.pods().inNamespace(ns).withName("pfpod").withGracePeriod(0).delete();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(used(quota(ns))).containsEntry("pods", "0")
                .containsEntry("requests.cpu", "0").containsEntry("requests.memory", "0"));
    }

    // ---- ClusterRole aggregation ----

    @Test
    void aRoleLabelledAggregateToAdminAddsItsRulesToTheAdminRole() throws Exception {
        String name = "widgets-admin-" + UUID.randomUUID().toString().substring(0, 6);
        PolicyRule widgets = new PolicyRuleBuilder().withApiGroups("example.com").withResources(name).withVerbs("get", "list").build();
        client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(name)
                .addToLabels("rbac.authorization.k8s.io/aggregate-to-admin", "true").endMetadata().withRules(widgets).build()).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(client.rbac().clusterRoles().withName("admin").get().getRules()).contains(widgets));
        NodeControllersIT.Kubectl yaml = NodeControllersIT.kubectl(cp.kubeconfig(), "get", "clusterrole", "admin", "-o", "yaml");
        assertThat(yaml.out()).as("kubectl shows the aggregated rules").contains("- " + name);
        // and the roles aggregated by default are there too: admin may manage pods
        assertThat(client.rbac().clusterRoles().withName("admin").get().getRules())
                .anySatisfy(r -> assertThat(r.getResources()).contains("pods"));
        client.rbac().clusterRoles().withName(name).delete();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(client.rbac().clusterRoles().withName("admin").get().getRules())
                .doesNotContain(widgets));
    }

    // ---- TTL after finished ----

    @Test
    void aFinishedJobWithATtlIsDeletedOnceItExpires() {
        String ns = newNamespace();
        client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder().withNewMetadata().withName("pi").endMetadata().withNewSpec()
                .withTtlSecondsAfterFinished(2).withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder().withNewMetadata().withName("kept").endMetadata().withNewSpec()
                .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (String job : List.of("pi", "kept")) {
            // what the Job controller would write (kubej has none yet)
            client.batch().v1().jobs().inNamespace(ns).withName(job).editStatus(j -> {
                if (j.getStatus() == null) {
                    j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
                }
                j.getStatus().setStartTime(finished.minusSeconds(5).toString());
                j.getStatus().setCompletionTime(finished.toString());
                j.getStatus().setSucceeded(1);
                j.getStatus().setConditions(List.of(new JobConditionBuilder().withType("Complete").withStatus("True")
                        .withLastTransitionTime(finished.toString()).withLastProbeTime(finished.toString()).build()));
                return j;
            });
        }
        await().atMost(TIMEOUT).until(() -> client.batch().v1().jobs().inNamespace(ns).withName("pi").get() == null);
        assertThat(Duration.between(finished, Instant.now())).as("not before its TTL").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(client.batch().v1().jobs().inNamespace(ns).withName("kept").get()).as("no TTL: kept").isNotNull();
    }

    // ---- EndpointSlice mirroring ----

    @Test
    void aSelectorlessServicesManualEndpointsAreMirroredIntoAnEndpointSlice() {
        String ns = newNamespace();
        client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("external-db").endMetadata()
                .withNewSpec().addNewPort().withName("pg").withPort(5432).endPort().endSpec().build()).create();
        client.endpoints().inNamespace(ns).resource(new EndpointsBuilder().withNewMetadata().withName("external-db").endMetadata()
                .addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress().addNewNotReadyAddress().withIp("192.0.2.11")
                .endNotReadyAddress().addNewPort().withName("pg").withPort(5432).endPort().endSubset().build()).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            List<EndpointSlice> slices = mirrored(ns, "external-db");
            assertThat(slices).singleElement().satisfies(s -> {
                assertThat(s.getAddressType()).isEqualTo("IPv4");
                assertThat(s.getEndpoints()).extracting(e -> e.getAddresses().get(0) + "=" + e.getConditions().getReady())
                        .containsExactly("192.0.2.10=true", "192.0.2.11=false");
                assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
                assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("Endpoints"));
            });
        });
        // a change is mirrored into the same slice
        String sliceName = mirrored(ns, "external-db").get(0).getMetadata().getName();
        client.endpoints().inNamespace(ns).withName("external-db").edit(e -> {
            e.getSubsets().get(0).getAddresses().get(0).setIp("192.0.2.20");
            return e;
        });
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(mirrored(ns, "external-db")).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(sliceName);
            assertThat(s.getEndpoints().get(0).getAddresses()).containsExactly("192.0.2.20");
        }));
        // no longer without selector: no longer mirrored
        client.services().inNamespace(ns).withName("external-db").edit(s -> {
            s.getSpec().setSelector(Map.of("app", "db"));
            return s;
        });
        await().atMost(TIMEOUT).until(() -> mirrored(ns, "external-db").isEmpty());
    }

    // ---- CSR approving ----

    @Test
    void aNodesOwnClientCsrIsAutoApprovedAndOneItMayNotAskForIsLeftPending() throws Exception {
        String node = "worker-" + UUID.randomUUID().toString().substring(0, 6);
        // as kubeadm binds it: nodes may renew their own client certificates
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("auto-approve-renewals")
                .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName("system:nodes").endSubject().build())
                .createOr(existing -> existing.update());
        try (KubernetesClient asNode = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withImpersonateUsername("system:node:" + node).withImpersonateGroups("system:nodes", "system:authenticated").build()).build()) {
            // another node's certificate: nodeclient, which nodes are not granted
            String other = "other-" + node;
            asNode.certificates().v1().certificateSigningRequests().resource(NodeControllersIT.csr(other,
                    NodeControllersIT.csrPem(CertificateAuthority.newKeyPair(), "O=system:nodes,CN=system:node:elsewhere"),
                    "kubernetes.io/kube-apiserver-client-kubelet", KUBELET_CLIENT)).create();
            String own = "own-" + node;
            asNode.certificates().v1().certificateSigningRequests().resource(NodeControllersIT.csr(own,
                    NodeControllersIT.csrPem(CertificateAuthority.newKeyPair(), "O=system:nodes,CN=system:node:" + node),
                    "kubernetes.io/kube-apiserver-client-kubelet", KUBELET_CLIENT)).create();
            CertificateSigningRequest created = client.certificates().v1().certificateSigningRequests().withName(own).get();
            assertThat(created.getSpec().getUsername()).as("the API server records the requester").isEqualTo("system:node:" + node);
            assertThat(created.getSpec().getGroups()).contains("system:nodes");
            await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(client.certificates().v1().certificateSigningRequests().withName(own).get()
                    .getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("Approved");
                        assertThat(c.getReason()).isEqualTo("AutoApproved");
                        assertThat(c.getMessage()).isEqualTo("Auto approving self kubelet client certificate after SubjectAccessReview.");
                    }));
            CertificateSigningRequest pending = client.certificates().v1().certificateSigningRequests().withName(other).get();
            assertThat(pending.getStatus() == null || pending.getStatus().getConditions() == null
                    || pending.getStatus().getConditions().isEmpty()).as("created first, looked at first, and not approved").isTrue();
        }
    }

    // ---- HPA without metrics ----

    @Test
    void anHpaReportsThatItCannotScaleForWantOfAMetricsApi() throws Exception {
        String ns = newNamespace();
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector().withNewTemplate()
                .withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).resource(new HorizontalPodAutoscalerBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName("web").endScaleTargetRef().withMinReplicas(1).withMaxReplicas(5).addNewMetric().withType("Resource")
                .withNewResource().withName("cpu").withNewTarget().withType("Utilization").withAverageUtilization(50).endTarget()
                .endResource().endMetric().endSpec().build()).create();
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").get();
            assertThat(hpa.getStatus().getCurrentReplicas()).isEqualTo(2);
            assertThat(hpa.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("AbleToScale");
                assertThat(c.getStatus()).isEqualTo("True");
            }).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("ScalingActive");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("FailedGetResourceMetric");
                assertThat(c.getMessage()).contains("unable to fetch metrics from resource metrics API");
            });
        });
        await().atMost(TIMEOUT).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "FailedGetResourceMetric".equals(e.getReason()) && "Warning".equals(e.getType())));
        NodeControllersIT.Kubectl describe = NodeControllersIT.kubectl(cp.kubeconfig(), "describe", "hpa", "web", "-n", ns);
        assertThat(describe.exit()).as(describe.out()).isZero();
        assertThat(describe.out()).contains("ScalingActive").contains("FailedGetResourceMetric");
    }

    @Test
    void eachOfTheseControllersActsAsItsOwnServiceAccount() {
        for (String sa : List.of("disruption-controller", "resourcequota-controller", "clusterrole-aggregation-controller",
                "ttl-after-finished-controller", "endpointslicemirroring-controller", "certificate-controller", "horizontal-pod-autoscaler")) {
            assertThat(client.serviceAccounts().inNamespace("kube-system").withName(sa).get()).as(sa).isNotNull();
            assertThat(client.rbac().clusterRoleBindings().withName("system:controller:" + sa).get()).as(sa).isNotNull();
        }
    }

    // ---- helpers ----

    static String newNamespace() {
        String ns = "more-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    static PodDisruptionBudget pdb(String name, String app, IntOrString minAvailable, IntOrString maxUnavailable) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable)
                .withNewSelector().addToMatchLabels("app", app).endSelector().endSpec().build();
    }

    /** POSTs an Eviction as kubectl drain does, answering the HTTP reply (fabric8's evict() hides the Status). */
    static HttpResponse<String> evict(String ns, String pod) throws Exception {
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\",\"namespace\":\"" + ns + "\"}}";
        String base = client.getMasterUrl().toString().replaceAll("/$", "");
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                .uri(base + "/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction").post("application/json", body).build();
        return client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    }

    /** 429 with upstream's message and a DisruptionBudget cause, as the conformance test checks. */
    static void assertRefusedByBudget(HttpResponse<String> r) throws Exception {
        assertThat(r.code()).as(r.body()).isEqualTo(429);
        var status = Serialization.jsonMapper().readTree(r.body());
        assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
        assertThat(status.path("message").asText()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
        assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("DisruptionBudget");
    }

    /** Marks the ReplicaSet's pods Running and Ready as a kubelet would, until {@code count} are. */
    static void awaitReadyPods(String ns, String app, int count) {
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
            List<Pod> pods = client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            for (Pod p : pods) {
                if (!PodUtil.isReady(p)) {
                    client.pods().inNamespace(ns).withName(p.getMetadata().getName()).editStatus(q -> running(q, true));
                }
            }
            return pods.size() == count && pods.stream().allMatch(PodUtil::isReady);
        });
    }

    static int allowed(String ns, String pdb) {
        PodDisruptionBudget p = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(pdb).get();
        return p.getStatus() == null || p.getStatus().getDisruptionsAllowed() == null
                || !java.util.Objects.equals(p.getStatus().getObservedGeneration(), p.getMetadata().getGeneration())
                ? -1 : p.getStatus().getDisruptionsAllowed();
    }

    /** A bare pod, Running and Ready, as a kubelet would report it. */
    static void readyPod(String ns, String name, String app) {
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
        client.pods().inNamespace(ns).withName(name).editStatus(p -> running(p, true));
    }

    static Pod running(Pod p, boolean ready) {
        p.getStatus().setPhase("Running");
        return withReady(p, ready);
    }

    static Pod withReady(Pod p, boolean ready) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        p.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                .withLastTransitionTime(now).build()));
        return p;
    }

    static ResourceQuota quota(String ns) {
        return client.resourceQuotas().inNamespace(ns).withName("test-quota").get();
    }

    static Map<String, String> used(ResourceQuota q) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (q.getStatus() != null && q.getStatus().getUsed() != null) {
            q.getStatus().getUsed().forEach((k, v) -> out.put(k, v.toString()));
        }
        return out;
    }

    static List<EndpointSlice> mirrored(String ns, String service) {
        return client.discovery().v1().endpointSlices().inNamespace(ns)
                .withLabel("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io")
                .withLabel("kubernetes.io/service-name", service).list().getItems();
    }
}
