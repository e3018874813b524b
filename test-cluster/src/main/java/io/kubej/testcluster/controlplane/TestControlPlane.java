package io.kubej.testcluster.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.pki.ClusterPki;
import io.kubej.pki.Kubeconfig;
import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.etcd.Etcd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * A real control plane for integration tests: the real etcd and the real kube-apiserver (the
 * built launcher bin/kube-apiserver), with the hard way's certificates from io.kubej.pki. The
 * component under test runs in-process against it.
 *
 * <p>Two shapes: {@link #start} is the smallest one (plain-HTTP etcd, every authenticated user
 * allowed everything), enough for a controller or the scheduler; {@link #startHardWay} has the
 * hard way's kube-apiserver.service flags (etcd over mutual TLS, Node and RBAC authorization,
 * NodeRestriction, service accounts, encryption at rest), for a kubelet with its node identity.
 *
 * <p>JUnit is a provided dependency of this module: only tests load this class.
 */
public final class TestControlPlane implements AutoCloseable {
    private static final Duration API_SERVER_STARTUP = Duration.ofSeconds(90);

    private final Etcd etcd;
    private ManagedProcess apiserver;
    private final Path dir;
    private final List<String> apiserverFlags;
    private final Path pki;
    private final Path kubeconfig;
    private final KubernetesClient client;

    private TestControlPlane(Etcd etcd, ManagedProcess apiserver, Path dir, List<String> apiserverFlags, Path pki, Path kubeconfig) {
        this.etcd = etcd;
        this.apiserver = apiserver;
        this.dir = dir;
        this.apiserverFlags = apiserverFlags;
        this.pki = pki;
        this.kubeconfig = kubeconfig;
        this.client = Clients.fromKubeconfig(kubeconfig, "kubej-test");
    }

    /** etcd, for crash tests ({@link Etcd#kill}, {@link Etcd#restart}). */
    public Etcd etcd() {
        return etcd;
    }

    /** SIGKILL of the kube-apiserver process. */
    public void killApiServer() {
        ProcessHandle.of(apiserver.pid()).ifPresent(ProcessHandle::destroyForcibly);
        ManagedProcess.await("kube-apiserver exit", Duration.ofSeconds(10), () -> !apiserver.isAlive());
    }

    /** Starts kube-apiserver again with the same flags and port, and waits until it serves. */
    public void restartApiServer() throws IOException {
        apiserver = startApiServer(dir, apiserverFlags);
        apiserver.awaitReady(API_SERVER_STARTUP, () -> {
            try {
                return "ok".equals(client.raw("/readyz"));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** Whether apiserver/target/kube-apiserver.jar has been built (with its main class). */
    public static boolean apiServerBuilt() {
        Path jar = apiServerJar();
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry("io/kubej/apiserver/KubeApiserver.class") != null;
        } catch (IOException beingRebuilt) {
            return false;
        }
    }

    /**
     * Fails, with what to do, if the API server has not been built. Integration tests fail rather
     * than skip here: a skipped test would read as a pass. (In {@code mvn verify} the reactor
     * builds the apiserver module before every module whose tests start it.)
     */
    public static void requireApiServerBuilt() {
        if (!apiServerBuilt()) {
            throw new IllegalStateException("kube-apiserver is not built (" + apiServerJar()
                    + "); run `mvn -pl apiserver package` or the whole build first");
        }
    }

    /** The API server's runnable jar, which bin/kube-apiserver starts. */
    public static Path apiServerJar() {
        return KubejHome.root().resolve("apiserver/target/kube-apiserver.jar");
    }

    /**
     * The smallest control plane, under {@code dir}: plain-HTTP etcd and a kube-apiserver that
     * authenticates client certificates and allows everything; the admin kubeconfig is
     * {@link #kubeconfig()}.
     */
    public static TestControlPlane start(Path dir) throws Exception {
        requireApiServerBuilt();
        Path pki = dir.resolve("pki");
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
        Files.createDirectories(dir.resolve("etcd"));
        Etcd etcd = Etcd.start(dir.resolve("etcd"), null);
        int port = Ports.free();
        List<String> flags = List.of(
                "--etcd-servers=" + etcd.clientUrl(),
                "--client-ca-file=" + pki.resolve("ca.pem"),
                "--tls-cert-file=" + pki.resolve("kubernetes.pem"),
                "--tls-private-key-file=" + pki.resolve("kubernetes-key.pem"),
                "--bind-address=127.0.0.1",
                "--secure-port=" + port,
                "--service-cluster-ip-range=10.32.0.0/24",
                "--disable-admission-plugins=ServiceAccount", // no controller manager here makes default service accounts
                "--v=2");
        ManagedProcess apiserver = startApiServer(dir, flags);
        try {
            apiserver.awaitReady(API_SERVER_STARTUP, () -> Ports.listening("127.0.0.1", port));
            Path kubeconfig = dir.resolve("admin.kubeconfig");
            Kubeconfig.write(kubeconfig, "kubernetes", "https://127.0.0.1:" + port, pki.resolve("ca.pem"),
                    pki.resolve("admin.pem"), pki.resolve("admin-key.pem"), "admin");
            TestControlPlane cp = new TestControlPlane(etcd, apiserver, dir, flags, pki, kubeconfig);
            apiserver.awaitReady(Duration.ofSeconds(60), () -> cp.client.namespaces().withName("default").get() != null);
            return cp;
        } catch (RuntimeException e) {
            apiserver.close();
            etcd.close();
            throw e;
        }
    }

    /**
     * The hard way's control plane, under {@code dir}, with certificates and kubeconfigs for
     * {@code workers} in {@link #pki()} (e.g. {@code pki().resolve(name + ".kubeconfig")} for a
     * kubelet). Ready once {@code /readyz} says ok.
     */
    public static TestControlPlane startHardWay(Path dir, List<ClusterPki.Node> workers) throws Exception {
        requireApiServerBuilt();
        Path pki = dir.resolve("pki");
        int port = Ports.free();
        String url = "https://127.0.0.1:" + port;
        ClusterPki.init(new ClusterPki.Spec(null, List.of(new ClusterPki.Node("controller-0", "127.0.0.1")),
                workers, "127.0.0.1", null, url, url, false), pki);
        Etcd etcd = Etcd.start(dir.resolve("etcd"),
                new Etcd.Tls(pki.resolve("ca.pem"), pki.resolve("kubernetes.pem"), pki.resolve("kubernetes-key.pem")));
        List<String> flags = List.of(
                "--advertise-address=127.0.0.1", "--allow-privileged=true", "--authorization-mode=Node,RBAC",
                "--bind-address=127.0.0.1", "--secure-port=" + port,
                "--client-ca-file=" + pki.resolve("ca.pem"),
                "--enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota",
                // no controller manager runs here to make each namespace's default service account, without which
                // the ServiceAccount plugin refuses every pod
                "--disable-admission-plugins=ServiceAccount",
                "--etcd-cafile=" + pki.resolve("ca.pem"), "--etcd-certfile=" + pki.resolve("kubernetes.pem"),
                "--etcd-keyfile=" + pki.resolve("kubernetes-key.pem"), "--etcd-servers=" + etcd.clientUrl(),
                "--encryption-provider-config=" + pki.resolve("encryption-config.yaml"),
                "--service-account-key-file=" + pki.resolve("service-account.pem"),
                "--service-account-signing-key-file=" + pki.resolve("service-account-key.pem"),
                "--service-account-issuer=" + url, "--service-cluster-ip-range=10.32.0.0/24",
                "--tls-cert-file=" + pki.resolve("kubernetes.pem"), "--tls-private-key-file=" + pki.resolve("kubernetes-key.pem"),
                "--v=2");
        ManagedProcess apiserver = startApiServer(dir, flags);
        try {
            // ClusterPki wrote the admin kubeconfig, pointing at this API server
            TestControlPlane cp = new TestControlPlane(etcd, apiserver, dir, flags, pki, pki.resolve("admin.kubeconfig"));
            apiserver.awaitReady(API_SERVER_STARTUP, () -> "ok".equals(cp.client.raw("/readyz")));
            return cp;
        } catch (RuntimeException e) {
            apiserver.close();
            etcd.close();
            throw e;
        }
    }

    private static ManagedProcess startApiServer(Path dir, List<String> flags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(KubejHome.launcher("kube-apiserver").toString());
        command.addAll(flags);
        return ManagedProcess.start("kube-apiserver", command, dir.resolve("kube-apiserver.log"));
    }

    /** A client with the admin's identity (system:masters). */
    /** etcd's client URL, as given to the API server's {@code --etcd-servers}. */
    public String etcdClientUrl() {
        return etcd.clientUrl();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The admin kubeconfig. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The cluster's certificates and kubeconfigs, as ClusterPki wrote them. */
    public Path pki() {
        return pki;
    }

    public String apiserverLogTail() {
        return apiserver.tail(60);
    }

    @Override
    public void close() {
        client.close();
        apiserver.close();
        etcd.close();
    }
}
