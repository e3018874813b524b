package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server against the real etcd, spoken to by the real kubectl and the fabric8 client
 * the other components use. One server for the class (fast); each test works in its own namespace.
 */
class KubeApiserverIT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest server;
    static KubeApiserver apiserver;
    static Path kubeconfig;
    static KubernetesClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        server = ApiServerUnderTest.start(dir);
        apiserver = server.apiserver;
        kubeconfig = server.kubeconfig;
        client = server.client;
    }

    @AfterAll
    static void stopCluster() {
        if (server != null) {
            server.close();
        }
    }

    static String newNamespace() {
        return server.newNamespace();
    }

    static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.36").endContainer().endSpec().build();
    }

    record Result(int exit, String out) {
    }

    static Result kubectl(String... args) throws IOException, InterruptedException {
        ApiServerUnderTest.Result r = server.kubectl(args);
        return new Result(r.exit(), r.out());
    }

    @Test
    void bootstrapCreatesSystemNamespacesAndKubernetesService() {
        assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
        var svc = client.services().inNamespace("default").withName("kubernetes").get();
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("10.32.0.1");
        assertThat(client.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().get(0)
                .getPorts().get(0).getPort()).isEqualTo(apiserver.port());
    }

    @Test
    void createTwiceIsAlreadyExists409() {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("a")).create();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(pod("a")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                });
    }

    @Test
    void createdPodGetsServerMetadataAndDefaults() {
        String ns = newNamespace();
        Pod p = client.pods().inNamespace(ns).resource(pod("d")).create();
        assertThat(p.getMetadata().getUid()).isNotEmpty();
        assertThat(p.getMetadata().getResourceVersion()).isNotEmpty();
        assertThat(p.getMetadata().getCreationTimestamp()).isNotEmpty();
        assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(p.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(p.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(p.getStatus().getQosClass()).isEqualTo("BestEffort");
    }

    @Test
    void staleResourceVersionUpdateIsRejectedWith409() {
        String ns = newNamespace();
        Pod created = client.pods().inNamespace(ns).resource(pod("s")).create();
        Pod fresh = new PodBuilder(created).editMetadata().addToLabels("v", "2").endMetadata().build();
        client.pods().inNamespace(ns).resource(fresh).update();
        Pod stale = new PodBuilder(created).editMetadata().addToLabels("v", "3").endMetadata().build();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).contains("the object has been modified");
                });
    }

    @Test
    void invalidNameGives422WithCauseField() {
        String ns = newNamespace();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(pod("Bad_Name")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField()).contains("metadata.name");
                });
    }

    @Test
    void watchResumesFromResourceVersion() {
        String ns = newNamespace();
        Pod first = client.pods().inNamespace(ns).resource(pod("first")).create();
        client.pods().inNamespace(ns).resource(pod("second")).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = client.pods().inNamespace(ns).watch(
                new ListOptionsBuilder().withResourceVersion(first.getMetadata().getResourceVersion()).build(),
                new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                        seen.add(action + " " + p.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            client.pods().inNamespace(ns).withName("first").edit(p -> new PodBuilder(p).editMetadata().addToLabels("x", "y").endMetadata().build());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(seen).containsExactly("ADDED second", "MODIFIED first"));
        }
    }

    @Test
    void podThatStopsMatchingTheWatchSelectorIsDeletedAsItLastMatched() {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("leaving")).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = client.pods().inNamespace(ns).withLabel("app", "web").watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod p) {
                seen.add(action + " app=" + p.getMetadata().getLabels().get("app") + " rv=" + p.getMetadata().getResourceVersion());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);
            Pod relabelled = client.pods().inNamespace(ns).withName("leaving")
                    .edit(p -> new PodBuilder(p).editMetadata().addToLabels("app", "db").endMetadata().build());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(seen).hasSize(2)
                    .last().isEqualTo("DELETED app=web rv=" + relabelled.getMetadata().getResourceVersion()));
        }
    }

    @Test
    void aWatchFromARevisionEtcdCompactedIsServedFromTheWatchCache() throws Exception {
        String ns = newNamespace();
        Pod old = client.pods().inNamespace(ns).resource(pod("old")).create();
        client.pods().inNamespace(ns).resource(pod("newer")).create();
        try (Client etcdClient = Client.builder().endpoints(server.etcd.clientUrl()).build()) {
            long rev = etcdClient.getKVClient().get(io.etcd.jetcd.ByteSequence.from("/", StandardCharsets.UTF_8)).get().getHeader().getRevision();
            etcdClient.getKVClient().compact(rev).get();
        }
        // etcd alone would answer 410; the cache still holds the events after that revision (see CacherIT for its 410)
        Result r = kubectl("get", "--raw", "/api/v1/namespaces/" + ns + "/pods?watch=true&timeoutSeconds=1&resourceVersion="
                + old.getMetadata().getResourceVersion());
        assertThat(r.out()).contains("\"type\":\"ADDED\"").contains("\"name\":\"newer\"").doesNotContain("\"name\":\"old\"");
    }

    @Test
    void requestWithoutClientCertificateIs401() throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "--cacert", dir.resolve("pki/ca.pem").toString(),
                "https://127.0.0.1:" + apiserver.port() + "/api/v1/pods").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        assertThat(out).contains("\"reason\":\"Unauthorized\"").contains("\"code\":401");
    }

    @Test
    void kubectlGetPodsPrintsUpstreamColumns() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("web-1")).create();
        Result r = kubectl("get", "pods", "-n", ns);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
                .containsPattern("web-1\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
        Result wide = kubectl("get", "pods", "-n", ns, "-o", "wide");
        assertThat(wide.out()).containsPattern("IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
    }

    @Test
    void kubectlCreateAndDeleteReplicaSetFromFixture() throws Exception {
        String ns = newNamespace();
        Path fixture = Path.of("/work/shared/fixtures/seed-manifests/sshsrv-replicaset.yaml");
        Result created = kubectl("create", "-n", ns, "-f", fixture.toString());
        assertThat(created.exit()).as(created.out()).isZero();
        assertThat(created.out()).contains("replicaset.apps/sshsrvset created");
        Result get = kubectl("get", "rs", "-n", ns, "-o", "wide");
        assertThat(get.out()).containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR")
                .containsPattern("sshsrvset\\s+3\\s+0\\s+0\\s+\\S+\\s+sshsrv-template\\s+sshsrv:v1\\s+app=sshsrv-template-label");
        Result deleted = kubectl("delete", "replicaset", "sshsrvset", "-n", ns);
        assertThat(deleted.exit()).as(deleted.out()).isZero();
        assertThat(client.apps().replicaSets().inNamespace(ns).withName("sshsrvset").get()).isNull();
    }

    @Test
    void kubectlScaleReplicaSetUsesScaleSubresource() throws Exception {
        String ns = newNamespace();
        kubectl("create", "-n", ns, "-f", "/work/shared/fixtures/seed-manifests/sshsrv-replicaset.yaml");
        long gen = client.apps().replicaSets().inNamespace(ns).withName("sshsrvset").get().getMetadata().getGeneration();
        Result r = kubectl("scale", "rs", "sshsrvset", "-n", ns, "--replicas=5");
        assertThat(r.exit()).as(r.out()).isZero();
        var rs = client.apps().replicaSets().inNamespace(ns).withName("sshsrvset").get();
        assertThat(rs.getSpec().getReplicas()).isEqualTo(5);
        assertThat(rs.getMetadata().getGeneration()).isEqualTo(gen + 1);
    }

    @Test
    void unknownFieldWithStrictValidationIsRejected() throws Exception {
        String ns = newNamespace();
        Path f = dir.resolve("bad-" + ns + ".yaml");
        Files.writeString(f, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  bogus: 1\nspec:\n  containers:\n  - name: c\n    image: x:1\n");
        Result r = kubectl("create", "-n", ns, "-f", f.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("unknown field");
    }

    @Test
    void boundPodIsDeletedGracefullyAndRemovedWithGracePeriodZero() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("g")).create();
        client.pods().inNamespace(ns).withName("g").edit(p -> p); // no-op
        client.resource(new io.fabric8.kubernetes.api.model.BindingBuilder().withNewMetadata().withName("g").endMetadata()
                .withNewTarget().withKind("Node").withName("worker-0").endTarget().build()).inNamespace(ns).create();
        assertThat(client.pods().inNamespace(ns).withName("g").get().getSpec().getNodeName()).isEqualTo("worker-0");
        client.pods().inNamespace(ns).withName("g").delete();
        Pod terminating = client.pods().inNamespace(ns).withName("g").get();
        assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
        client.pods().inNamespace(ns).withName("g").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(ns).withName("g").get() == null);
    }

    @Test
    void serverSideDryRunValidatesButWritesNothing() throws Exception {
        String ns = newNamespace();
        Pod created = client.pods().inNamespace(ns).resource(pod("dry")).create();
        assertThat(kubectl("-n", ns, "label", "pod", "dry", "tier=front", "--dry-run=server").exit()).isZero();
        assertThat(kubectl("-n", ns, "delete", "pod", "dry", "--dry-run=server").exit()).isZero();
        Pod after = client.pods().inNamespace(ns).withName("dry").get();
        assertThat(after).isNotNull();
        assertThat(after.getMetadata().getLabels()).doesNotContainKey("tier");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(pod("Bad_Name")).dryRun().create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        assertThat(client.pods().inNamespace(ns).resource(pod("dry2")).dryRun().create().getSpec().getRestartPolicy())
                .isEqualTo("Always");
        assertThat(client.pods().inNamespace(ns).withName("dry2").get()).isNull();
    }

    @Test
    void fabric8InformerListsAndWatchesPods() {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("before")).create();
        Set<String> names = ConcurrentHashMap.newKeySet();
        try (SharedIndexInformer<Pod> informer = client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                names.add(p.getMetadata().getName());
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                names.remove(p.getMetadata().getName());
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> names.contains("before"));
            client.pods().inNamespace(ns).resource(pod("after")).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> names.contains("after"));
            client.pods().inNamespace(ns).withName("before").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> !names.contains("before"));
        }
    }
    @Test
    void nodeStatusUpdateShowsReadyInKubectl() throws Exception {
        String name = "node-" + UUID.randomUUID().toString().substring(0, 6);
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        var node = client.nodes().withName(name).get();
        node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .addNewAddress().withType("InternalIP").withAddress("10.240.0.20").endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.32.0-kubej").endNodeInfo().build());
        client.nodes().resource(node).updateStatus();
        Result r = kubectl("get", "nodes", name, "-o", "wide");
        assertThat(r.out()).containsPattern("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION\\s+INTERNAL-IP")
                .containsPattern(name + "\\s+Ready\\s+<none>\\s+\\S+\\s+v1.32.0-kubej\\s+10.240.0.20");
    }

    @Test
    void statusIsIgnoredOnMainResourceUpdateAndSpecOnStatusUpdate() {
        String ns = newNamespace();
        Pod p = client.pods().inNamespace(ns).resource(pod("st")).create();
        p.getStatus().setPhase("Running");
        Pod afterMain = client.pods().inNamespace(ns).resource(p).update();
        assertThat(afterMain.getStatus().getPhase()).isEqualTo("Pending");
        afterMain.getStatus().setPhase("Running");
        afterMain.getSpec().setNodeName("sneaky");
        Pod afterStatus = client.pods().inNamespace(ns).resource(afterMain).updateStatus();
        assertThat(afterStatus.getStatus().getPhase()).isEqualTo("Running");
        assertThat(afterStatus.getSpec().getNodeName()).isNull();
    }

    @Test
    void servicesGetDistinctClusterIpsFromTheRangeAndHeadlessIsAllowed() throws Exception {
        String ns = newNamespace();
        Result r = kubectl("create", "-n", ns, "-f", "/work/shared/fixtures/seed-manifests/sshd-service.yaml");
        assertThat(r.exit()).as(r.out()).isZero();
        var svc = client.services().inNamespace(ns).withName("sshd-service").get();
        assertThat(svc.getSpec().getClusterIP()).startsWith("10.32.0.").isNotEqualTo("10.32.0.1");
        assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(22);
        var headless = client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("headless").endMetadata().withNewSpec().withClusterIP("None")
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThatThrownBy(() -> client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("taken").endMetadata().withNewSpec().withClusterIP(svc.getSpec().getClusterIP())
                .addNewPort().withPort(80).endPort().endSpec().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    }

    @Test
    void kubectlDescribePodListsEventsByInvolvedObject() throws Exception {
        String ns = newNamespace();
        Pod p = client.pods().inNamespace(ns).resource(pod("ev")).create();
        client.v1().events().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName("ev.1").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName("ev").withNamespace(ns).withUid(p.getMetadata().getUid()).endInvolvedObject()
                .withReason("Scheduled").withMessage("Successfully assigned to worker-0").withType("Normal")
                .withNewSource().withComponent("default-scheduler").endSource().build()).create();
        Result r = kubectl("describe", "pod", "ev", "-n", ns);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("Scheduled").contains("Successfully assigned to worker-0");
    }

    @Test
    void leasesSupportLeaderElectionStyleUpdates() {
        String ns = newNamespace();
        var lease = client.leases().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName("kube-scheduler").endMetadata().withNewSpec().withHolderIdentity("a")
                .withLeaseDurationSeconds(15).endSpec().build()).create();
        lease.getSpec().setHolderIdentity("b");
        var updated = client.leases().inNamespace(ns).resource(lease).update();
        assertThat(updated.getSpec().getHolderIdentity()).isEqualTo("b");
        lease.getSpec().setHolderIdentity("c");
        assertThatThrownBy(() -> client.leases().inNamespace(ns).resource(lease).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    }

    @Test
    void metricsCountRequests() throws Exception {
        Result r = kubectl("get", "--raw", "/metrics");
        assertThat(r.out()).contains("apiserver_request_total{");
    }
    @Test
    void kubectlCreateNamespaceSendsProtobufAndWorks() throws Exception {
        String ns = "pb-" + UUID.randomUUID().toString().substring(0, 8);
        Result r = kubectl("create", "namespace", ns);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(client.namespaces().withName(ns).get().getMetadata().getLabels())
                .containsEntry("kubernetes.io/metadata.name", ns);
    }

    @Test
    void kubectlGetWatchStreamsTableRows() throws Exception {
        String ns = newNamespace();
        List<String> cmd = List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir",
                dir.resolve("kubectl-cache").toString(), "get", "pods", "-n", ns, "-w");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        try {
            client.pods().inNamespace(ns).resource(pod("watched")).create();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(out.toString()).containsPattern("NAME\\s+READY\\s+STATUS").containsPattern("watched\\s+0/1\\s+Pending"));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(5));
        }
    }
    @Test
    void fabric8LeaderElectionAcquiresALease() throws Exception {
        String ns = newNamespace();
        java.util.concurrent.CountDownLatch leading = new java.util.concurrent.CountDownLatch(1);
        var elector = client.leaderElector().withConfig(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder()
                .withName("test").withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withLock(new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock(ns, "kube-scheduler", "me"))
                .withLeaderCallbacks(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(
                        leading::countDown, () -> { }, id -> { }))
                .build()).build();
        var future = elector.start();
        try {
            assertThat(leading.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(client.leases().inNamespace(ns).withName("kube-scheduler").get().getSpec().getHolderIdentity()).isEqualTo("me");
        } finally {
            future.cancel(true);
        }
    }
    @Test
    void kubectlCreateConfigMapAndSecretFromLiteralsWork() throws Exception {
        String ns = newNamespace();
        assertThat(kubectl("create", "configmap", "cm", "-n", ns, "--from-literal=a=b").exit()).isZero();
        assertThat(kubectl("create", "secret", "generic", "s", "-n", ns, "--from-literal=pw=hunter2").exit()).isZero();
        assertThat(client.configMaps().inNamespace(ns).withName("cm").get().getData()).containsEntry("a", "b");
        var secret = client.secrets().inNamespace(ns).withName("s").get();
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(new String(java.util.Base64.getDecoder().decode(secret.getData().get("pw")), StandardCharsets.UTF_8)).isEqualTo("hunter2");
    }

    record Http(int code, String body) {
    }

    /** A request as the admin user by curl, for status codes and bodies the clients would hide. */
    static Http curl(String method, String path) throws IOException, InterruptedException {
        return send(method, path, null, null, false);
    }

    @Test
    void invalidQueryParametersAre400BadRequest() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("p")).create();
        String pods = "/api/v1/namespaces/" + ns + "/pods";
        for (String[] req : new String[][] {
                {"GET", pods + "?limit=abc"},
                {"GET", pods + "?watch=true&timeoutSeconds=soon"},
                {"DELETE", pods + "/p?gracePeriodSeconds=x"},
                {"GET", pods + "?limit=1&continue=not-a-token"},
                {"GET", pods + "?limit=1&continue=" + java.util.Base64.getUrlEncoder().encodeToString(
                        "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"/registry/secrets/\"}".getBytes(StandardCharsets.UTF_8))}}) {
            Http r = curl(req[0], req[1]);
            assertThat(r.code()).as(req[0] + " " + req[1] + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(req[1]).contains("\"reason\":\"BadRequest\"").contains("\"code\":400");
        }
    }

    @Test
    void unsupportedDryRunValueIs422InvalidOnTheRequestOptions() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("p")).create();
        Http r = curl("DELETE", "/api/v1/namespaces/" + ns + "/pods/p?dryRun=Maybe");
        assertThat(r.code()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("\"reason\":\"Invalid\"")
                .contains("DeleteOptions.meta.k8s.io \\\"\\\" is invalid: dryRun: Unsupported value: \\\"Maybe\\\"")
                .contains("\"reason\":\"FieldValueNotSupported\"").contains("\"field\":\"dryRun\"");
        assertThat(client.pods().inNamespace(ns).withName("p").get()).as("dryRun=Maybe deleted nothing").isNotNull();
    }

    @Test
    void resourceVersionNewerThanEtcdIs504TooLargeResourceVersion() throws Exception {
        String ns = newNamespace();
        Pod p = client.pods().inNamespace(ns).resource(pod("p")).create();
        long future = Long.parseLong(p.getMetadata().getResourceVersion()) + 1_000_000;
        String pods = "/api/v1/namespaces/" + ns + "/pods";
        for (String path : List.of(pods + "?watch=true&resourceVersion=" + future,
                pods + "?resourceVersion=" + future + "&resourceVersionMatch=Exact",
                pods + "?resourceVersion=" + future)) {
            Http r = curl("GET", path);
            assertThat(r.code()).as(path + ": " + r.body()).isEqualTo(504);
            var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            assertThat(status.path("reason").asText()).isEqualTo("Timeout");
            assertThat(status.path("message").asText()).startsWith("Timeout: Too large resource version: " + future + ", current: ");
            assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("ResourceVersionTooLarge");
            assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
        }
        Http exact = curl("GET", pods + "?resourceVersion=" + p.getMetadata().getResourceVersion() + "&resourceVersionMatch=Exact");
        assertThat(exact.code()).as(exact.body()).isEqualTo(200);
        assertThat(exact.body()).contains("\"resourceVersion\":\"" + p.getMetadata().getResourceVersion() + "\"");
    }

    static Set<String> allocatedClusterIps() throws Exception {
        try (Client etcdClient = Client.builder().endpoints(server.etcd.clientUrl()).build()) {
            var prefix = io.etcd.jetcd.ByteSequence.from("/registry/ranges/serviceips/", StandardCharsets.UTF_8);
            var keys = etcdClient.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder().isPrefix(true).withKeysOnly(true).build())
                    .get().getKvs();
            Set<String> ips = new java.util.HashSet<>();
            keys.forEach(kv -> ips.add(kv.getKey().toString(StandardCharsets.UTF_8)));
            return ips;
        }
    }

    @Test
    void serviceCreateThatEtcdRejectsReleasesItsClusterIp() throws Exception {
        String ns = newNamespace();
        Set<String> before = allocatedClusterIps();
        // etcd refuses requests over --max-request-bytes (1.5 MiB by default): the write fails after the IP was allocated.
        // valid but large: 30,000 selector terms (annotations would be refused by validation first, at 256 KiB)
        java.util.Map<String, String> selector = new java.util.HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            selector.put("key-" + i, "x".repeat(60));
        }
        var svc = new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("huge").endMetadata()
                .withNewSpec().addNewPort().withPort(80).endPort().withSelector(selector).endSpec().build();
        assertThatThrownBy(() -> client.services().inNamespace(ns).resource(svc).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(500));
        assertThat(client.services().inNamespace(ns).withName("huge").get()).isNull();
        assertThat(allocatedClusterIps()).isEqualTo(before);
    }

    @Test
    void bindingSubresourceAllowsOnlyPost() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("p")).create();
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            Http r = curl(method, "/api/v1/namespaces/" + ns + "/pods/p/binding");
            assertThat(r.code()).as(method + ": " + r.body()).isEqualTo(405);
            assertThat(r.body()).contains("\"reason\":\"MethodNotAllowed\"");
        }
        assertThat(client.pods().inNamespace(ns).withName("p").get().getSpec().getNodeName()).isNull();
    }

    /** A request with a body, answering the headers too when asked (Warning headers). */
    static Http send(String method, String path, String contentType, byte[] body, boolean withHeaders) throws IOException, InterruptedException {
        ApiServerUnderTest.Http r = server.send(method, path, contentType, body, withHeaders);
        return new Http(r.code(), r.body());
    }

    static Http post(String path, String json, boolean withHeaders) throws IOException, InterruptedException {
        return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8), withHeaders);
    }

    @Test
    void deletingANamespaceMakesItTerminatingUntilItsFinalizerIsRemoved() throws Exception {
        String ns = newNamespace();
        client.namespaces().withName(ns).delete();
        var terminating = client.namespaces().withName(ns).get();
        assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
        assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
        Http create = post("/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{\"name\":\"late\"}}", false);
        assertThat(create.code()).isEqualTo(403);
        assertThat(create.body()).contains("unable to create new content in namespace " + ns + " because it is being terminated");
        // a second delete changes nothing
        String rv = terminating.getMetadata().getResourceVersion();
        client.namespaces().withName(ns).delete();
        assertThat(client.namespaces().withName(ns).get().getMetadata().getResourceVersion()).isEqualTo(rv);
        // what the namespace controller does once the namespace is empty
        terminating.getSpec().setFinalizers(List.of());
        Http fin = send("PUT", "/api/v1/namespaces/" + ns + "/finalize", "application/json",
                io.fabric8.kubernetes.client.utils.Serialization.asJson(terminating).getBytes(StandardCharsets.UTF_8), false);
        assertThat(fin.code()).as(fin.body()).isEqualTo(200);
        assertThat(client.namespaces().withName(ns).get()).isNull();
    }

    @Test
    void systemNamespacesMayNotBeDeleted() throws Exception {
        Http r = curl("DELETE", "/api/v1/namespaces/kube-system");
        assertThat(r.code()).isEqualTo(403);
        assertThat(r.body()).contains("namespaces \\\"kube-system\\\" is forbidden: this namespace may not be deleted");
        assertThat(client.namespaces().withName("kube-system").get().getStatus().getPhase()).isEqualTo("Active");
    }

    @Test
    void unknownFieldsAreDroppedWithAWarningByDefaultAndSilentlyWithIgnore() throws Exception {
        String ns = newNamespace();
        Http warn = post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"w\"},\"data\":{\"k\":\"v\"},\"bogus\":1}", true);
        assertThat(warn.code()).isEqualTo(201);
        // curl speaks HTTP/2 to the server, whose header names are lower case
        assertThat(warn.body()).containsIgnoringCase("Warning: 299 - \"unknown field \\\"bogus\\\"\"");
        Http ignore = post("/api/v1/namespaces/" + ns + "/configmaps?fieldValidation=Ignore",
                "{\"metadata\":{\"name\":\"i\"},\"bogus\":1}", true);
        assertThat(ignore.code()).isEqualTo(201);
        assertThat(ignore.body()).doesNotContainIgnoringCase("Warning:");
        String stored = curl("GET", "/api/v1/namespaces/" + ns + "/configmaps/w").body();
        assertThat(stored).contains("\"k\":\"v\"").doesNotContain("bogus");
        Http strict = post("/api/v1/namespaces/" + ns + "/configmaps?fieldValidation=Strict",
                "{\"metadata\":{\"name\":\"s\"},\"bogus\":1}", false);
        assertThat(strict.code()).isEqualTo(400);
        assertThat(strict.body()).contains("strict decoding error: unknown field \\\"bogus\\\"");
        assertThat(client.configMaps().inNamespace(ns).withName("s").get()).isNull();
    }

    @Test
    void duplicateFieldsFailUnderStrictAndWarnOtherwise() throws Exception {
        String ns = newNamespace();
        String body = "{\"metadata\":{\"name\":\"d\"},\"data\":{\"k\":\"1\",\"k\":\"2\"}}";
        Http strict = post("/api/v1/namespaces/" + ns + "/configmaps?fieldValidation=Strict", body, false);
        assertThat(strict.code()).isEqualTo(400);
        assertThat(strict.body()).contains("strict decoding error: duplicate field");
        Http warn = post("/api/v1/namespaces/" + ns + "/configmaps", body, true);
        assertThat(warn.code()).isEqualTo(201);
        assertThat(warn.body()).contains("duplicate field");
        assertThat(client.configMaps().inNamespace(ns).withName("d").get().getData()).containsEntry("k", "2");
    }

    @Test
    void aBodyOverTheLimitIs413AndNothingIsWritten() throws Exception {
        String ns = newNamespace();
        String big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + "x".repeat(3 * 1024 * 1024 + 10) + "\"}}";
        Http r = post("/api/v1/namespaces/" + ns + "/configmaps", big, false);
        assertThat(r.code()).isEqualTo(413);
        assertThat(r.body()).contains("\"reason\":\"RequestEntityTooLarge\"");
        assertThat(client.configMaps().inNamespace(ns).withName("big").get()).isNull();
    }

    @Test
    void badRequestsGetUpstreamCodesAndWriteNothing() throws Exception {
        String ns = newNamespace();
        Http wrongVersion = post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}", false);
        assertThat(wrongVersion.code()).isEqualTo(400);
        assertThat(wrongVersion.body()).contains("does not match the expected API version (v1)");
        Http malformed = post("/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":", false);
        assertThat(malformed.code()).isEqualTo(400);
        Http badName = post("/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{\"name\":\"Not_A_Name\"}}", false);
        assertThat(badName.code()).isEqualTo(422);
        assertThat(badName.body()).contains("\"field\":\"metadata.name\"");
        Http badLabel = post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"l\",\"labels\":{\"a\":\"-bad-\"}}}", false);
        assertThat(badLabel.code()).isEqualTo(422);
        Http badKey = post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"k\",\"labels\":{\"Bad_Prefix/x\":\"v\"},\"annotations\":{\"-no\":\"v\"}}}", false);
        assertThat(badKey.code()).isEqualTo(422);
        assertThat(badKey.body()).contains("prefix part must be a lowercase RFC 1123 subdomain").contains("name part must consist of");
        Http hugeAnnotations = post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"h\",\"annotations\":{\"a\":\"" + "x".repeat(300 * 1024) + "\"}}}", false);
        assertThat(hugeAnnotations.code()).isEqualTo(422);
        assertThat(hugeAnnotations.body()).contains("Too long: must have at most 262144 bytes");
        assertThat(curl("GET", "/api/v1/namespaces/" + ns + "/nodes").code()).isEqualTo(404);
        assertThat(curl("GET", "/apis/apps/v1/namespaces/" + ns + "/nosuchthings").code()).isEqualTo(404);
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void nodePortsAreAllocatedOnceAndReleasedOnDelete() throws Exception {
        String ns = newNamespace();
        String svc = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":%d}]}}";
        assertThat(post("/api/v1/namespaces/" + ns + "/services", svc.formatted("first", 30080), false).code()).isEqualTo(201);
        Http taken = post("/api/v1/namespaces/" + ns + "/services", svc.formatted("second", 30080), false);
        assertThat(taken.code()).isEqualTo(422);
        assertThat(taken.body()).contains("spec.ports[0].nodePort").contains("provided port is already allocated");
        Http outside = post("/api/v1/namespaces/" + ns + "/services", svc.formatted("third", 80), false);
        assertThat(outside.code()).isEqualTo(422);
        assertThat(outside.body()).contains("provided port is not in the valid range. The range of valid ports is 30000-32767");
        var auto = client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("auto").endMetadata().withNewSpec().withType("LoadBalancer")
                .withExternalTrafficPolicy("Local").addNewPort().withPort(80).endPort().endSpec().build()).create();
        assertThat(auto.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767);
        assertThat(auto.getSpec().getHealthCheckNodePort()).isBetween(30000, 32767).isNotEqualTo(auto.getSpec().getPorts().get(0).getNodePort());
        client.services().inNamespace(ns).withName("first").delete();
        assertThat(post("/api/v1/namespaces/" + ns + "/services", svc.formatted("second", 30080), false).code()).isEqualTo(201);
    }

    @Test
    void secretStringDataIsStoredAsDataAndImmutableConfigMapsRefuseChanges() throws Exception {
        String ns = newNamespace();
        assertThat(post("/api/v1/namespaces/" + ns + "/secrets",
                "{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"password\":\"hunter2\"}}", false).code()).isEqualTo(201);
        var secret = client.secrets().inNamespace(ns).withName("s").get();
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getData()).containsEntry("password", java.util.Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8)));
        assertThat(secret.getStringData()).isNullOrEmpty();
        Http tls = post("/api/v1/namespaces/" + ns + "/secrets",
                "{\"metadata\":{\"name\":\"t\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"eA==\"}}", false);
        assertThat(tls.code()).isEqualTo(422);
        assertThat(tls.body()).contains("data[tls.key]");
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("frozen").endMetadata().withImmutable(true).addToData("k", "v").build()).create();
        Http change = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/frozen", "application/merge-patch+json",
                "{\"data\":{\"k\":\"w\"}}".getBytes(StandardCharsets.UTF_8), false);
        assertThat(change.code()).isEqualTo(422);
        assertThat(change.body()).contains("field is immutable when `immutable` is set");
        assertThat(client.configMaps().inNamespace(ns).withName("frozen").get().getData()).containsEntry("k", "v");
    }

    @Test
    void clusterIpIsImmutableOnUpdate() throws Exception {
        String ns = newNamespace();
        var svc = client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("fixed").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
        String other = svc.getSpec().getClusterIP().endsWith(".200") ? "10.32.0.201" : "10.32.0.200";
        Http r = send("PATCH", "/api/v1/namespaces/" + ns + "/services/fixed", "application/merge-patch+json",
                ("{\"spec\":{\"clusterIP\":\"" + other + "\",\"clusterIPs\":[\"" + other + "\"]}}").getBytes(StandardCharsets.UTF_8), false);
        assertThat(r.code()).isEqualTo(422);
        assertThat(r.body()).contains("\"field\":\"spec.clusterIPs[0]\"");
    }

    @Test
    void aRepeatedDeleteOfATerminatingObjectKeepsItsResourceVersion() {
        String ns = newNamespace();
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("held").addToFinalizers("example.com/hold").endMetadata().build()).create();
        client.configMaps().inNamespace(ns).withName("held").delete();
        String rv = client.configMaps().inNamespace(ns).withName("held").get().getMetadata().getResourceVersion();
        client.configMaps().inNamespace(ns).withName("held").delete();
        assertThat(client.configMaps().inNamespace(ns).withName("held").get().getMetadata().getResourceVersion()).isEqualTo(rv);
        client.configMaps().inNamespace(ns).withName("held").edit(cm -> {
            cm.getMetadata().setFinalizers(List.of());
            return cm;
        });
        assertThat(client.configMaps().inNamespace(ns).withName("held").get()).isNull();
    }

    @Test
    void theRepairLoopReleasesLeakedClaimsAndRestoresMissingOnes() throws Exception {
        String ns = newNamespace();
        var svc = client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("kept").endMetadata().withNewSpec().withType("NodePort")
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
        String ip = svc.getSpec().getClusterIP();
        int nodePort = svc.getSpec().getPorts().get(0).getNodePort();
        try (Client etcd = Client.builder().endpoints(server.etcd.clientUrl()).build()) {
            var kv = etcd.getKVClient();
            java.util.function.Function<String, io.etcd.jetcd.ByteSequence> key =
                    k -> io.etcd.jetcd.ByteSequence.from("/registry/ranges/" + k, StandardCharsets.UTF_8);
            // a leak (a claim whose service never got written) and a lost claim of a live service
            kv.put(key.apply("serviceips/10.32.0.250"), io.etcd.jetcd.ByteSequence.from("gone/ghost", StandardCharsets.UTF_8)).get();
            kv.put(key.apply("servicenodeports/31999"), io.etcd.jetcd.ByteSequence.from("gone/ghost", StandardCharsets.UTF_8)).get();
            kv.delete(key.apply("serviceips/" + ip)).get();
            kv.delete(key.apply("servicenodeports/" + nodePort)).get();
            apiserver.allocationRepair().runOnce();
            assertThat(kv.get(key.apply("serviceips/" + ip)).get().getKvs()).as("the live service's IP is claimed again").hasSize(1);
            assertThat(kv.get(key.apply("servicenodeports/" + nodePort)).get().getKvs()).hasSize(1);
            assertThat(kv.get(key.apply("serviceips/10.32.0.250")).get().getKvs()).as("a leak survives one run").hasSize(1);
            apiserver.allocationRepair().runOnce();
            assertThat(kv.get(key.apply("serviceips/10.32.0.250")).get().getKvs()).as("and is released at the second").isEmpty();
            assertThat(kv.get(key.apply("servicenodeports/31999")).get().getKvs()).isEmpty();
        }
        Http taken = post("/api/v1/namespaces/" + ns + "/services",
                "{\"metadata\":{\"name\":\"thief\"},\"spec\":{\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80}]}}", false);
        assertThat(taken.code()).isEqualTo(422);
        assertThat(taken.body()).contains("provided IP is already allocated");
    }

    @Test
    void pagedListsShowEachObjectExactlyOnceWhileObjectsAreAdded() {
        String ns = newNamespace();
        for (int i = 0; i < 10; i++) {
            client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName("page-" + i).endMetadata().build()).create();
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        String listRv = null;
        int added = 0;
        do {
            var page = client.configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(3L).withContinue(token).build());
            page.getItems().forEach(cm -> seen.add(cm.getMetadata().getName()));
            listRv = listRv == null ? page.getMetadata().getResourceVersion() : listRv;
            assertThat(page.getMetadata().getResourceVersion()).as("every page is the same snapshot").isEqualTo(listRv);
            token = page.getMetadata().getContinue();
            // objects created while paging, before and after the pages read so far
            client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName("aaa-" + added).endMetadata().build()).create();
            client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName("zzz-" + added++).endMetadata().build()).create();
        } while (token != null && !token.isEmpty());
        assertThat(seen).doesNotHaveDuplicates().hasSize(10).allMatch(n -> n.startsWith("page-"));
    }

    @Test
    void watchListSendsTheCurrentObjectsThenABookmarkMarkingTheirEnd() throws Exception {
        String ns = newNamespace();
        client.pods().inNamespace(ns).resource(pod("a")).create();
        String rv = client.pods().inNamespace(ns).resource(pod("b")).create().getMetadata().getResourceVersion();
        Result r = kubectl("get", "--raw", "/api/v1/namespaces/" + ns + "/pods?watch=true&timeoutSeconds=2&allowWatchBookmarks=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=" + rv);
        String[] events = r.out().trim().split("\n");
        assertThat(events).hasSizeGreaterThanOrEqualTo(3);
        assertThat(events[0]).contains("\"type\":\"ADDED\"").contains("\"name\":\"a\"");
        assertThat(events[1]).contains("\"type\":\"ADDED\"").contains("\"name\":\"b\"");
        assertThat(events[2]).contains("\"type\":\"BOOKMARK\"").contains("\"k8s.io/initial-events-end\":\"true\"");
        Http withoutMatch = curl("GET", "/api/v1/namespaces/" + ns + "/pods?watch=true&sendInitialEvents=true&resourceVersion=" + rv);
        assertThat(withoutMatch.code()).isEqualTo(422);
        assertThat(withoutMatch.body()).contains("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    }

    @Test
    void theKubernetesEndpointsListEveryRunningApiServer() throws Exception {
        KubeApiserver second = new KubeApiserver();
        second.etcdServers = List.of(server.etcd.clientUrl());
        second.clientCaFile = dir.resolve("pki/ca.pem").toFile();
        second.tlsCertFile = dir.resolve("pki/kubernetes.pem").toFile();
        second.tlsPrivateKeyFile = dir.resolve("pki/kubernetes-key.pem").toFile();
        second.securePort = 0;
        second.bindAddress = "127.0.0.1";
        second.advertiseAddress = "127.0.0.2";
        second.serviceClusterIpRange = "10.32.0.0/24";
        java.util.function.Supplier<List<String>> addresses = () -> client.endpoints().inNamespace("default").withName("kubernetes").get()
                .getSubsets().stream().flatMap(s -> s.getAddresses().stream()).map(a -> a.getIp()).sorted().toList();
        try {
            second.start();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(addresses.get()).containsExactly("127.0.0.1", "127.0.0.2"));
            var slice = client.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes").get();
            assertThat(slice.getEndpoints()).extracting(e -> e.getAddresses().get(0)).contains("127.0.0.1");
        } finally {
            second.close();
        }
        // a clean stop removes that server at once (a crashed one drops out after the 15 s time to live)
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(addresses.get()).containsExactly("127.0.0.1"));
        assertThat(client.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().get(0).getPorts().get(0).getPort())
                .as("the remaining server's own port").isEqualTo(apiserver.port());
    }

    @Test
    void concurrentServiceCreatesNeverShareAClusterIpOrNodePort() throws Exception {
        String ns = newNamespace();
        List<io.fabric8.kubernetes.api.model.Service> created = new CopyOnWriteArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                all.add(pool.submit(() -> created.add(client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata().withName("svc-" + n).endMetadata().withNewSpec().withType("NodePort")
                        .addNewPort().withPort(80).endPort().endSpec().build()).create())));
            }
            for (var f : all) {
                f.get();
            }
        }
        assertThat(created).hasSize(24);
        assertThat(created).extracting(s -> s.getSpec().getClusterIP()).doesNotHaveDuplicates();
        assertThat(created).extracting(s -> s.getSpec().getPorts().get(0).getNodePort()).doesNotHaveDuplicates();
        Set<String> claimed = allocatedClusterIps();
        assertThat(claimed).containsAll(created.stream().map(s -> "/registry/ranges/serviceips/" + s.getSpec().getClusterIP()).toList());
    }
}
