package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.Pem;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node controllers (node IPAM, node lifecycle with taint eviction, PodGC, CSR signing) in
 * the controller manager, in-process against the real kube-apiserver and etcd, each controller
 * as its own service account under RBAC. No kubelet runs: the test creates Nodes and renews
 * their Leases in kube-node-lease itself, as a kubelet would, and binds pods by the binding
 * subresource, as the scheduler would. Times are shortened (grace period 4 s, PodGC every 1 s).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeControllersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** 32 node subnets: small enough to fill. */
    private static final String CLUSTER_CIDR = "10.200.0.0/19";
    private static final int SUBNETS = 32;

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubeControllerManager kcm;
    static KubernetesClient client;
    /** The nodes whose "kubelet" renews its Lease. */
    static final Set<String> renewing = ConcurrentHashMap.newKeySet();
    static ScheduledExecutorService kubelets;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.startHardWay(dir, List.of());
        client = cp.client();
        kcm = startManager();
        kubelets = Executors.newSingleThreadScheduledExecutor();
        kubelets.scheduleAtFixedRate(NodeControllersIT::renewLeases, 0, 500, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stop() {
        if (kubelets != null) {
            kubelets.shutdownNow();
        }
        if (kcm != null) {
            kcm.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    /** The controller manager as the hard way runs it, plus node IPAM, CSR signing and short node timings. */
    static KubeControllerManager startManager() {
        KubeControllerManager m = new KubeControllerManager();
        m.kubeconfig = cp.pki().resolve("kube-controller-manager.kubeconfig");
        m.useServiceAccountCredentials = true;
        m.leaderElect = false;
        m.allocateNodeCidrs = true;
        m.clusterCidr = CLUSTER_CIDR;
        m.nodeMonitorPeriod = "1s";
        m.nodeMonitorGracePeriod = "4s";
        m.nodeStartupGracePeriod = "10m"; // IPAM's nodes never post Ready; leave them alone
        m.terminatedPodGcThreshold = 3;
        m.podGcCheckPeriod = Duration.ofSeconds(1);
        m.podGcQuarantineTime = Duration.ofSeconds(2);
        m.clusterSigningCertFile = cp.pki().resolve("ca.pem").toString();
        m.clusterSigningKeyFile = cp.pki().resolve("ca-key.pem").toString();
        m.start();
        await().atMost(Duration.ofSeconds(60)).until(m::controllersSynced);
        return m;
    }

    // ---- node IPAM ----

    @Test
    @Order(1)
    void nodesGetDistinctPodCidrsFreedWithTheNodeAndNeverTwiceAcrossARestart() throws Exception {
        // 20 Nodes registering at once get 20 different CIDRs of --cluster-cidr
        List<String> first = IntStream.range(0, 20).mapToObj(i -> "ipam-" + i).toList();
        createNodesConcurrently(first);
        Map<String, String> cidrs = awaitCidrs(first);
        assertThat(new HashSet<>(cidrs.values())).hasSize(20);
        assertThat(cidrs.values()).allMatch(c -> c.matches("10\\.200\\.([0-9]|[12][0-9]|3[01])\\.0/24"));
        assertThat(client.nodes().withName("ipam-0").get().getSpec().getPodCIDRs()).containsExactly(cidrs.get("ipam-0"));

        // fill the range; one Node more gets no CIDR and a CIDRNotAvailable Event
        int held = (int) client.nodes().list().getItems().stream().filter(n -> podCidr(n) != null).count();
        List<String> fill = IntStream.range(0, SUBNETS - held).mapToObj(i -> "ipam-fill-" + i).toList();
        createNodesConcurrently(fill);
        awaitCidrs(fill);
        createNodesConcurrently(List.of("ipam-full"));
        await().atMost(TIMEOUT).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> "CIDRNotAvailable".equals(e.getReason()) && "ipam-full".equals(e.getInvolvedObject().getName())
                        && "Node ipam-full status is now: CIDRNotAvailable".equals(e.getMessage())));
        assertThat(podCidr(client.nodes().withName("ipam-full").get())).isNull();
        client.nodes().withName("ipam-full").delete();

        // a deleted Node's CIDR is the one free, so the next Node gets it
        String freed = cidrs.get("ipam-7");
        client.nodes().withName("ipam-7").delete();
        createNodesConcurrently(List.of("ipam-reuse"));
        assertThat(awaitCidrs(List.of("ipam-reuse"))).containsEntry("ipam-reuse", freed);

        // Nodes deleted while no controller manager runs; a new one rebuilds from the Nodes that remain
        kcm.close();
        Set<String> freedWhileDown = new HashSet<>();
        for (String n : List.of("ipam-1", "ipam-2", "ipam-3")) {
            freedWhileDown.add(cidrs.get(n));
            client.nodes().withName(n).delete();
        }
        kcm = startManager();
        List<String> after = List.of("ipam-new-0", "ipam-new-1", "ipam-new-2");
        createNodesConcurrently(after);
        assertThat(new HashSet<>(awaitCidrs(after).values())).isEqualTo(freedWhileDown);
        List<String> all = client.nodes().list().getItems().stream().map(NodeControllersIT::podCidr).filter(Objects::nonNull).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(SUBNETS);

        client.nodes().list().getItems().stream().filter(n -> n.getMetadata().getName().startsWith("ipam-"))
                .forEach(n -> client.nodes().withName(n.getMetadata().getName()).delete());
    }

    static void createNodesConcurrently(List<String> names) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String n : names) {
                done.add(threads.submit(() -> client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().build()).create()));
            }
            for (var f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    static String podCidr(Node node) {
        return node == null || node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    }

    static Map<String, String> awaitCidrs(List<String> names) {
        Map<String, String> out = new ConcurrentHashMap<>();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            for (String n : names) {
                String cidr = podCidr(client.nodes().withName(n).get());
                assertThat(cidr).as(n).isNotNull();
                out.put(n, cidr);
            }
        });
        return out;
    }

    // ---- node lifecycle and taint eviction ----

    @Test
    @Order(2)
    void aNodeThatStopsRenewingItsLeaseIsTaintedUnreachableAndItsPodsAreEvicted() throws Exception {
        String ns = newNamespace();
        registerNode("lc-a");
        registerNode("lc-b");
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(4)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                        .withNewSpec().addNewContainer().withName("web").withImage("busybox").endContainer()
                            // what DefaultTolerationSeconds would add, with 2 s instead of 300 s
                            .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                                .withEffect("NoExecute").withTolerationSeconds(2L).endToleration()
                            .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                                .withEffect("NoExecute").withTolerationSeconds(2L).endToleration()
                        .endSpec()
                    .endTemplate()
                .endSpec().build()).create();
        await().atMost(TIMEOUT).until(() -> active(ns).size() == 4);
        List<Pod> pods = active(ns);
        for (int i = 0; i < 4; i++) {
            bind(pods.get(i), i < 2 ? "lc-a" : "lc-b");
            reportRunningReady(ns, pods.get(i).getMetadata().getName());
        }
        Set<String> onA = Set.of(pods.get(0).getMetadata().getUid(), pods.get(1).getMetadata().getUid());

        // the kubelet of lc-a goes silent
        renewing.remove("lc-a");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Node a = client.nodes().withName("lc-a").get();
            assertThat(a.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("Unknown");
                assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
                assertThat(c.getMessage()).isEqualTo("Kubelet stopped posting node status.");
            });
            assertThat(a.getSpec().getTaints()).extracting(t -> t.getKey() + ":" + t.getEffect())
                    .contains("node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule");
        });
        // lc-b, still renewing, stays as it is
        assertThat(readyStatus("lc-b")).isEqualTo("True");
        assertThat(client.nodes().withName("lc-b").get().getSpec().getTaints()).isNullOrEmpty();

        // its pods are marked not Ready, then deleted once their 2 s of toleration are over
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pods().inNamespace(ns).list().getItems())
                .filteredOn(p -> onA.contains(p.getMetadata().getUid())).hasSize(2).allSatisfy(p -> {
                    assertThat(p.getMetadata().getDeletionTimestamp()).isNotNull();
                    assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("False");
                    });
                    assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("DisruptionTarget");
                        assertThat(c.getReason()).isEqualTo("DeletionByTaintManager");
                    });
                }));
        assertThat(events(ns)).filteredOn(e -> "TaintManagerEviction".equals(e.getReason())).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events("default")).anyMatch(e -> "NodeNotReady".equals(e.getReason()) && "lc-a".equals(e.getInvolvedObject().getName()));

        // the ReplicaSet replaces them; the "scheduler" puts the replacements on the healthy node
        await().atMost(TIMEOUT).until(() -> active(ns).size() == 4);
        for (Pod p : active(ns)) {
            if (p.getSpec().getNodeName() == null) {
                bind(p, "lc-b");
            }
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(active(ns)).hasSize(4)
                .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("lc-b")));

        // the kubelet is back: Lease renewed and Ready posted again; the taints go
        renewing.add("lc-a");
        postReady("lc-a");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.nodes().withName("lc-a").get().getSpec().getTaints())
                .noneMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable")));

        for (String n : List.of("lc-a", "lc-b")) {
            renewing.remove(n);
            client.nodes().withName(n).delete();
        }
    }

    /** What a kubelet does at start: the Node, its Ready status and its Lease; then it keeps the Lease renewed. */
    static void registerNode(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        postReady(name);
        client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder()
                .withNewMetadata().withName(name).withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(40).withRenewTime(now()).endSpec().build()).create();
        renewing.add(name);
    }

    static void postReady(String name) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        // a patch, as the kubelet's status update: node IPAM may be writing spec.podCIDR meanwhile
        client.nodes().withName(name).editStatus(node -> new NodeBuilder(node).withStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                    .withMessage("kubelet is posting ready status").withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .build()).build());
    }

    static void renewLeases() {
        for (String name : renewing) {
            try {
                client.leases().inNamespace("kube-node-lease").withName(name)
                        .edit(l -> new LeaseBuilder(l).editSpec().withRenewTime(now()).endSpec().build());
            } catch (KubernetesClientException e) {
                // a conflict or a Lease not there yet: the next round renews it
            }
        }
    }

    static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** What the scheduler's DefaultBinder does: POST a Binding to pods/binding. */
    static void bind(Pod pod, String node) throws Exception {
        String ns = pod.getMetadata().getNamespace();
        String body = Serialization.asJson(new io.fabric8.kubernetes.api.model.BindingBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName()).withNamespace(ns).endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(node).endTarget().build());
        String base = client.getMasterUrl().toString().replaceAll("/$", "");
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                .uri(base + "/api/v1/namespaces/" + ns + "/pods/" + pod.getMetadata().getName() + "/binding")
                .post("application/json", body).build();
        HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        assertThat(response.isSuccessful()).as(response.body()).isTrue();
    }

    static void reportRunningReady(String ns, String name) {
        Pod fresh = client.pods().inNamespace(ns).withName(name).get();
        fresh.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.200.0.10")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
                        .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build())
                .build());
        client.pods().inNamespace(ns).resource(fresh).updateStatus();
    }

    static String readyStatus(String node) {
        return client.nodes().withName(node).get().getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getStatus();
    }

    static List<Pod> active(String ns) {
        return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    static List<Event> events(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems();
    }

    static String newNamespace() {
        String ns = "n-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    // ---- PodGC ----

    @Test
    @Order(3)
    void podGcDeletesThePodsOfADeletedNodeAndTheOldestTerminatedPodsOverTheThreshold() {
        String ns = newNamespace();
        registerNode("gc-node");
        client.pods().inNamespace(ns).resource(pod("orphan").editSpec().withNodeName("gc-node").endSpec().build()).create();
        renewing.remove("gc-node");
        client.nodes().withName("gc-node").delete();
        // after the quarantine and a GET that finds no Node, the pod is force-deleted
        await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(ns).withName("orphan").get() == null);

        // --terminated-pod-gc-threshold=3: of 5 finished pods, the 2 oldest go
        for (int i = 0; i < 5; i++) {
            String name = "done-" + i;
            client.pods().inNamespace(ns).resource(pod(name).build()).create();
            Pod p = client.pods().inNamespace(ns).withName(name).get();
            p.setStatus(new PodStatusBuilder().withPhase(i % 2 == 0 ? "Succeeded" : "Failed").build());
            client.pods().inNamespace(ns).resource(p).updateStatus();
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(client.pods().inNamespace(ns).list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("done-2", "done-3", "done-4"));
    }

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec();
    }

    // ---- CSR signing ----

    @Test
    @Order(4)
    void anApprovedClientCsrIsSignedAndItsCertificateAuthenticatesAsTheRequestedUser() throws Exception {
        KeyPair key = CertificateAuthority.newKeyPair();
        String csrName = "jane-" + UUID.randomUUID().toString().substring(0, 6);
        client.certificates().v1().certificateSigningRequests().resource(csr(csrName, csrPem(key, "O=developers,CN=jane"),
                "kubernetes.io/kube-apiserver-client", List.of("client auth"))).create();

        Kubectl approve = kubectl(cp.kubeconfig(), "certificate", "approve", csrName);
        assertThat(approve.exit()).as(approve.out()).isZero();
        assertThat(approve.out()).contains(csrName + " approved");

        await().atMost(TIMEOUT).until(() -> !kubectl(cp.kubeconfig(), "get", "csr", csrName, "-o", "jsonpath={.status.certificate}").out().isBlank());
        String certificate = kubectl(cp.kubeconfig(), "get", "csr", csrName, "-o", "jsonpath={.status.certificate}").out().trim();
        Path crt = dir.resolve("jane.crt");
        Path keyFile = dir.resolve("jane.key");
        Files.write(crt, Base64.getDecoder().decode(certificate));
        Files.writeString(keyFile, Pem.encode(key.getPrivate()));

        // a kubeconfig-less kubectl with the new certificate: the API server says who it is
        Kubectl whoami = kubectl(dir.resolve("no-kubeconfig"), "--server=" + client.getMasterUrl(),
                "--certificate-authority=" + cp.pki().resolve("ca.pem"), "--client-certificate=" + crt,
                "--client-key=" + keyFile, "auth", "whoami");
        assertThat(whoami.exit()).as(whoami.out()).isZero();
        assertThat(whoami.out()).containsPattern("Username +jane").contains("developers");
    }

    @Test
    @Order(5)
    void aCsrBreakingItsSignersRulesFails() throws Exception {
        String csrName = "not-a-node-" + UUID.randomUUID().toString().substring(0, 6);
        client.certificates().v1().certificateSigningRequests().resource(csr(csrName,
                csrPem(CertificateAuthority.newKeyPair(), "O=system:masters,CN=system:node:evil"),
                "kubernetes.io/kube-apiserver-client-kubelet", List.of("digital signature", "key encipherment", "client auth"))).create();
        assertThat(kubectl(cp.kubeconfig(), "certificate", "approve", csrName).exit()).isZero();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            CertificateSigningRequest now = client.certificates().v1().certificateSigningRequests().withName(csrName).get();
            assertThat(now.getStatus().getCertificate()).isNullOrEmpty();
            assertThat(now.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Failed");
                assertThat(c.getReason()).isEqualTo("SignerValidationFailure");
                assertThat(c.getMessage()).isEqualTo("subject organization is not system:nodes");
            });
        });
    }

    static CertificateSigningRequest csr(String name, String pem, String signer, List<String> usages) {
        return new CertificateSigningRequestBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                    .withSignerName(signer).withUsages(usages).withExpirationSeconds(86400).endSpec().build();
    }

    /** What `openssl req -new -key jane.key -subj "/O=developers/CN=jane"` writes. */
    static String csrPem(KeyPair key, String subject) throws Exception {
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(request);
        }
        return out.toString();
    }

    record Kubectl(int exit, String out) {
    }

    static Kubectl kubectl(Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Kubectl(p.exitValue(), out);
    }
}
