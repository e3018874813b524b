package io.kubej.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubej.pki.ClusterPki;
import io.kubej.proxy.testing.NodeNetwork;
import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.controlplane.TestControlPlane;
import io.kubej.testcluster.etcd.Etcd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kube-proxy process with the real etcd and kube-apiserver, all started inside one test
 * network namespace (its own loopback, ports and iptables): a Service and Endpoints created with
 * the real kubectl become iptables rules, and the cluster IP reaches a pod.
 *
 * <p>Skipped until the apiserver module has built its jar with its main class.
 */
class KubeProxyIT {
    private static final Path ROOT = Path.of(System.getProperty("kubej.root", "..")).toAbsolutePath().normalize();
    private static final Path PROXY_JAR = ROOT.resolve("proxy/target/kube-proxy.jar");

    /** Generating the cluster's keys takes seconds: once for the class. */
    @TempDir
    static Path pki;
    @TempDir
    Path dir;
    private NodeNetwork net;
    private final List<ManagedProcess> processes = new ArrayList<>();

    @BeforeAll
    static void createPki() throws IOException {
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
    }

    @BeforeEach
    void createNode() {
        net = NodeNetwork.create();
    }

    @AfterEach
    void stopAll() {
        for (ManagedProcess p : processes.reversed()) {
            p.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private List<String> inNode(String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", net.nodeNetns()));
        all.addAll(List.of(command));
        return all;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Test
    void beforeReachingTheApiServerKubeProxyServesProxyModeButIsNotHealthyAndStopsOnSigterm() throws Exception {
        // nothing listens on 127.0.0.1:6443 inside the test namespace
        ManagedProcess proxy = ManagedProcess.start("kube-proxy",
                inNode(java(), "-jar", PROXY_JAR.toString(), "--kubeconfig", pki.resolve("kube-proxy.kubeconfig").toString(),
                        "--cluster-cidr", "10.200.0.0/16", "--v=2"),
                dir.resolve("kube-proxy.log"));
        processes.add(proxy);
        proxy.awaitReady(Duration.ofSeconds(60), () -> httpGet(10249, "/proxyMode").equals("200 iptables"));

        // /healthz is served once start() returned; it says 503 until the first sync
        await().atMost(Duration.ofSeconds(10)).until(() -> !httpGet(10256, "/healthz").isEmpty());
        assertThat(httpGet(10256, "/healthz")).startsWith("503");
        assertThat(httpGet(10249, "/metrics")).startsWith("200").contains("kubeproxy_sync_proxy_rules_duration_seconds");
        assertThat(proxy.isAlive()).as("keeps retrying the API server").isTrue();

        proxy.stop(Duration.ofSeconds(10));
        assertThat(proxy.isAlive()).isFalse();
    }

    @Test
    void serviceCreatedWithKubectlReachesItsPodThroughTheClusterIP() throws Exception {
        TestControlPlane.requireApiServerBuilt();
        startEtcdAndApiserver(pki);

        Path config = dir.resolve("kube-proxy-config.yaml");
        Files.writeString(config, """
                kind: KubeProxyConfiguration
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                clientConnection:
                  kubeconfig: "%s"
                mode: "iptables"
                clusterCIDR: "10.200.0.0/16"
                iptables: {minSyncPeriod: 100ms}
                """.formatted(pki.resolve("kube-proxy.kubeconfig")));
        ManagedProcess proxy = ManagedProcess.start("kube-proxy",
                inNode(java(), "-jar", PROXY_JAR.toString(), "--config", config.toString(), "--hostname-override", "worker-0"),
                dir.resolve("kube-proxy.log"));
        processes.add(proxy);
        proxy.awaitReady(Duration.ofSeconds(60), () -> httpGet(10256, "/healthz").equals("200 ok"));
        assertThat(httpGet(10249, "/proxyMode")).isEqualTo("200 iptables");

        String pod = net.addPod("10.200.0.2");
        net.startServer(pod, 8080, "pod-a");
        kubectl(pki, "apply", "-f", "-", """
                apiVersion: v1
                kind: Service
                metadata: {name: sshsvc, namespace: default}
                spec:
                  clusterIP: 10.32.0.50
                  ports: [{name: ssh, port: 22, protocol: TCP, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: sshsvc, namespace: default}
                subsets:
                - addresses: [{ip: 10.200.0.2}]
                  ports: [{name: ssh, port: 8080, protocol: TCP}]
                """);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                net.connect(net.nodeNetns(), "10.32.0.50", 22).reply().startsWith("pod-a"));
        assertThat(net.exec(net.nodeNetns(), "iptables-save", "-t", "nat")).contains("default/sshsvc:ssh cluster IP");

        // The watch delivers the delete: the Service now has no endpoints and is rejected.
        kubectl(pki, "delete", "endpoints", "sshsvc", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> net.connect(net.nodeNetns(), "10.32.0.50", 22).refused());

        proxy.stop(Duration.ofSeconds(10));
        assertThat(proxy.isAlive()).isFalse();
    }

    private void startEtcdAndApiserver(Path pki) throws IOException {
        Etcd.Tls tls = new Etcd.Tls(pki.resolve("ca.pem"), pki.resolve("kubernetes.pem"), pki.resolve("kubernetes-key.pem"));
        ManagedProcess etcd = ManagedProcess.start("etcd",
                inNode(Etcd.commandLine(dir.resolve("etcd"), tls, 2379, 2380, 2381).toArray(String[]::new)),
                dir.resolve("etcd.log"));
        processes.add(etcd);
        Etcd.awaitReady(etcd);

        // The hard way's kube-apiserver.service flags, on the namespace's loopback.
        ManagedProcess apiserver = ManagedProcess.start("kube-apiserver", inNode(java(), "-jar", TestControlPlane.apiServerJar().toString(),
                "--advertise-address=127.0.0.1",
                "--allow-privileged=true",
                "--authorization-mode=Node,RBAC",
                "--bind-address=127.0.0.1",
                "--client-ca-file=" + pki.resolve("ca.pem"),
                "--enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota",
                "--etcd-cafile=" + pki.resolve("ca.pem"),
                "--etcd-certfile=" + pki.resolve("kubernetes.pem"),
                "--etcd-keyfile=" + pki.resolve("kubernetes-key.pem"),
                "--etcd-servers=https://127.0.0.1:2379",
                "--encryption-provider-config=" + pki.resolve("encryption-config.yaml"),
                "--service-account-key-file=" + pki.resolve("service-account.pem"),
                "--service-account-signing-key-file=" + pki.resolve("service-account-key.pem"),
                "--service-account-issuer=https://127.0.0.1:6443",
                "--service-cluster-ip-range=10.32.0.0/24",
                "--tls-cert-file=" + pki.resolve("kubernetes.pem"),
                "--tls-private-key-file=" + pki.resolve("kubernetes-key.pem"),
                "--v=2"), dir.resolve("kube-apiserver.log"));
        processes.add(apiserver);
        apiserver.awaitReady(Duration.ofSeconds(90), () -> run(null, inNode("kubectl", "--request-timeout=5s", "--kubeconfig",
                pki.resolve("admin.kubeconfig").toString(), "get", "--raw", "/readyz")).startsWith("ok"));
    }

    private void kubectl(Path pki, String... argsThenStdin) {
        List<String> cmd = inNode("kubectl", "--request-timeout=10s", "--kubeconfig", pki.resolve("admin.kubeconfig").toString());
        cmd.addAll(List.of(argsThenStdin).subList(0, argsThenStdin.length - 1));
        String out = run(argsThenStdin[argsThenStdin.length - 1], cmd);
        assertThat(out).doesNotContain("error");
    }

    /**
     * GET from inside the node namespace with socat (plain HTTP/1.0, the server closes after the
     * reply): "STATUS BODY", e.g. "200 ok"; "" if nothing answered.
     */
    private String httpGet(int port, String path) {
        String reply = run("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                inNode("socat", "-T", "3", "-t", "3", "-", "TCP:127.0.0.1:" + port + ",connect-timeout=2"));
        if (!reply.startsWith("HTTP/")) {
            return "";
        }
        String status = reply.split(" ", 3)[1];
        int body = reply.indexOf("\r\n\r\n");
        return status + " " + (body < 0 ? "" : reply.substring(body + 4).strip());
    }

    /** Runs a command, returns stdout + stderr (bounded to 30 s). */
    private static String run(String stdin, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
