package io.kubej.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.Kubectl;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.HostCommands;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #3's walk-through, as a new user does it: {@code kubej up}, then the real kubectl with
 * the admin kubeconfig against the ssh-between-pods fixtures, then {@code kubej down}. The steps
 * share one cluster and run in order; the cluster uses the fixed single-node ports, so this is the
 * only suite that brings one up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {
    private static final Path FIXTURES = KubejHome.root().resolve("../shared/fixtures/seed-manifests").normalize();
    private static final String SELECTOR = "app=sshsrv-template-label";
    private static final Duration POD_TIMEOUT = Duration.ofSeconds(90);

    private static ClusterConfig config;
    private static Kubectl kubectl;
    private static final List<String> benchmarks = new ArrayList<>();

    @BeforeAll
    static void kubejUp() throws Exception {
        Path dir = KubejHome.root().resolve("conformance/target/e2e-cluster");
        config = ClusterConfig.defaults(dir);
        kubej("down", "--dir", dir.toString()); // a previous run that died leaves nothing behind
        Instant start = Instant.now();
        HostCommands.Result up = kubej("up", "--dir", dir.toString());
        assertThat(up.ok()).as("kubej up:%n%s", up.output()).isTrue();
        record("kubej up -> node Ready", Duration.between(start, Instant.now()));
        kubectl = new Kubectl(config.adminKubeconfig());
    }

    @AfterAll
    static void kubejDown() throws IOException {
        if (config != null) {
            kubej("down", "--dir", config.dir().toString());
        }
        Path out = KubejHome.root().resolve("conformance/target/benchmarks/walking-skeleton.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, benchmarks);
        benchmarks.forEach(b -> System.out.println("BENCHMARK " + b));
    }

    @Test
    @Order(1)
    void kubectlGetNodesShowsTheNodeReady() {
        String nodes = kubectl.check("get", "nodes");
        assertThat(nodes).containsPattern("(?m)^worker-0\\s+Ready\\s");
    }

    @Test
    @Order(2)
    void replicaSetFromTheFixtureRunsThreePodsWithDistinctIps() {
        Instant start = Instant.now();
        kubectl.check("create", "-f", FIXTURES.resolve("sshsrv-replicaset.yaml").toString());
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> runningPods().size() == 3);
        record("kubectl create -> 3 pods Running", Duration.between(start, Instant.now()));
        List<Pod> pods = runningPods();
        assertThat(pods).extracting(Pod::ip).doesNotHaveDuplicates().allMatch(ip -> ip.startsWith("10.200.0."));
        assertThat(pods).extracting(Pod::node).containsOnly("worker-0");
    }

    @Test
    @Order(3)
    void deletedPodIsReplaced() {
        List<Pod> before = runningPods();
        kubectl.check("delete", "pod", before.get(0).name());
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> {
            List<Pod> now = runningPods();
            return now.size() == 3 && now.stream().noneMatch(p -> p.name().equals(before.get(0).name()));
        });
    }

    @Test
    @Order(4)
    void scalingTheReplicaSetUpAndDownConverges() {
        kubectl.check("scale", "replicaset", "sshsrvset", "--replicas=5");
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> runningPods().size() == 5);
        kubectl.check("scale", "replicaset", "sshsrvset", "--replicas=2");
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> allPods().size() == 2 && runningPods().size() == 2);
        assertThat(kubectl.check("get", "rs", "sshsrvset")).containsPattern("(?m)^sshsrvset\\s+2\\s+2\\s+2\\s");
    }

    @Test
    @Order(5)
    void clusterIpServiceReachesThePodsFromTheNode() throws Exception {
        kubectl.check("create", "-f", FIXTURES.resolve("sshd-service.yaml").toString());
        String clusterIp = kubectl.check("get", "service", "sshd-service", "-o", "jsonpath={.spec.clusterIP}").strip();
        assertThat(clusterIp).startsWith("10.32.0.");
        // each pod directly, then the service's virtual IP (kube-proxy's DNAT)
        for (Pod pod : runningPods()) {
            assertThat(banner(pod.ip(), 22)).startsWith("SSH-2.0-");
        }
        // Until kube-proxy's next sync (minSyncPeriod 1 s) programs the new Service's endpoints,
        // its REJECT rule refuses the connection: retry on that too, not only on a wrong banner.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(banner(clusterIp, 22)).startsWith("SSH-2.0-"));
    }

    @Test
    @Order(6)
    void deletingTheReplicaSetRemovesItsPodsAndTheirContainers() {
        kubectl.check("delete", "replicaset", "sshsrvset");
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> allPods().isEmpty());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> criContainers().isEmpty());
        kubectl.check("delete", "service", "sshd-service");
    }

    /** The hard way's smoke test, data encryption: a new Secret lies in etcd under aescbc key1, never as plain text. */
    @Test
    @Order(7)
    void theHardWaysSmokeTestSecretIsEncryptedInEtcd() {
        kubectl.check("create", "secret", "generic", "kubernetes-the-hard-way", "--from-literal=mykey=mydata");
        String raw = HostCommands.check("etcdctl", "--endpoints=" + config.etcdUrl(), "--cacert=" + config.pki("ca.pem"),
                "--cert=" + config.pki("kubernetes.pem"), "--key=" + config.pki("kubernetes-key.pem"),
                "get", "/registry/secrets/default/kubernetes-the-hard-way", "--print-value-only");
        assertThat(raw).startsWith("k8s:enc:aescbc:v1:key1:").doesNotContain("mydata");
        assertThat(kubectl.check("get", "secret", "kubernetes-the-hard-way", "-o", "jsonpath={.data.mykey}")).isEqualTo("bXlkYXRh");
        kubectl.check("delete", "secret", "kubernetes-the-hard-way");
    }

    /** The hard way's smoke test, deployments: kubectl create deployment, a rollout, a rollback, and deletion cleaning up. */
    @Test
    @Order(8)
    void theHardWaysSmokeTestDeploymentRollsOutAndBack() {
        Instant start = Instant.now();
        kubectl.check("create", "deployment", "smoke", "--image=sshsrv:v1", "--replicas=2");
        assertThat(kubectl.check("rollout", "status", "deployment/smoke", "--timeout=90s")).contains("successfully rolled out");
        record("kubectl create deployment -> rolled out (2 pods)", Duration.between(start, Instant.now()));
        kubectl.check("set", "env", "deployment/smoke", "STEP=2");
        assertThat(kubectl.check("rollout", "status", "deployment/smoke", "--timeout=90s")).contains("successfully rolled out");
        assertThat(kubectl.check("get", "deployment", "smoke", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
                .isEqualTo("2");
        kubectl.check("rollout", "undo", "deployment/smoke");
        assertThat(kubectl.check("rollout", "status", "deployment/smoke", "--timeout=90s")).contains("successfully rolled out");
        assertThat(kubectl.check("get", "rs", "-l", "app=smoke")).containsPattern("(?m)^smoke-\\w+\\s+2\\s+2\\s+2\\s");
        kubectl.check("delete", "deployment", "smoke");
        await().atMost(POD_TIMEOUT).ignoreExceptions().until(() -> kubectl.check("get", "pods,rs", "-l", "app=smoke", "-o", "name").isBlank());
    }

    @Test
    @Order(9)
    void kubejDownLeavesNoProcessesInterfacesOrIptablesRules() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(config.runDir())) {
            for (Path f : files.toList()) {
                pids.add(Long.parseLong(Files.readString(f).strip()));
            }
        }
        assertThat(pids).hasSizeGreaterThanOrEqualTo(8);
        HostCommands.Result down = kubej("down", "--dir", config.dir().toString());
        assertThat(down.ok()).as("kubej down:%n%s", down.output()).isTrue();
        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(HostCommands.run("ip", "link", "show", config.bridge()).ok()).isFalse();
        assertThat(HostCommands.run("ip", "link", "show", config.nodeInterface()).ok()).isFalse();
        assertThat(HostCommands.check("iptables-save")).doesNotContain("KUBE-");
        assertThat(config.dir()).doesNotExist();
    }

    // --- helpers ---

    record Pod(String name, String status, String ip, String node) {
    }

    /** `kubectl get pods -o wide -l app=...`, parsed as a learner reads it. */
    private static List<Pod> allPods() {
        String out = kubectl.check("get", "pods", "-o", "wide", "-l", SELECTOR, "--no-headers");
        List<Pod> pods = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (line.isBlank() || line.startsWith("No resources")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            // NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES
            pods.add(new Pod(f[0], f[2], f[5], f[6]));
        }
        return pods;
    }

    private static List<Pod> runningPods() {
        return allPods().stream().filter(p -> p.status().equals("Running")).toList();
    }

    /** The first line a TCP server on host:port sends, e.g. an sshd's version banner. */
    private static String banner(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    /** Containers containerd's CRI namespace still holds (sandboxes included). */
    private static Set<String> criContainers() {
        String out = HostCommands.check("ctr", "--address", config.containerdSocket().toString(), "-n", "k8s.io",
                "containers", "ls", "-q");
        return new HashSet<>(out.lines().filter(l -> !l.isBlank()).toList());
    }

    private static HostCommands.Result kubej(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(KubejHome.launcher("kubej").toString());
        cmd.addAll(List.of(args));
        HostCommands.Result r = HostCommands.run(cmd, Duration.ofMinutes(5));
        System.out.println("$ kubej " + String.join(" ", args) + "\n" + r.output());
        return r;
    }

    private static void record(String what, Duration took) {
        benchmarks.add(String.format("%s: %.1f s", what, took.toMillis() / 1000.0));
    }
}
