package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.CertificateRequest;
import io.kubej.pki.ClusterPki;
import io.kubej.pki.Pem;
import io.kubej.pki.Kubeconfig;
import io.kubej.testcluster.etcd.Etcd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd and kube-apiserver in this JVM, with the admin's kubeconfig, for integration
 * tests that talk to it with the real kubectl, curl and the fabric8 client.
 */
final class ApiServerUnderTest implements AutoCloseable {
    final Path dir;
    final Etcd etcd;
    final KubeApiserver apiserver;
    final Path kubeconfig;
    final KubernetesClient client;

    record Result(int exit, String out) {
    }

    record Http(int code, String body) {
    }

    /** The --service-account-issuer the tests' API server signs with. */
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

    private ApiServerUnderTest(Path dir, Etcd etcd, KubeApiserver apiserver, Path kubeconfig, KubernetesClient client) {
        this.dir = dir;
        this.etcd = etcd;
        this.apiserver = apiserver;
        this.kubeconfig = kubeconfig;
        this.client = client;
    }

    static ApiServerUnderTest start(Path dir) throws Exception {
        return start(dir, flags -> { });
    }

    /** @param moreFlags sets flags beyond the hard way's (auditing, say) before the server starts */
    static ApiServerUnderTest start(Path dir, java.util.function.Consumer<KubeApiserver> moreFlags) throws Exception {
        Path pki = dir.resolve("pki");
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
        Files.createDirectories(dir.resolve("etcd"));
        Etcd etcd = Etcd.start(dir.resolve("etcd"), null);
        KubeApiserver apiserver = new KubeApiserver();
        apiserver.etcdServers = List.of(etcd.clientUrl());
        apiserver.clientCaFile = pki.resolve("ca.pem").toFile();
        apiserver.tlsCertFile = pki.resolve("kubernetes.pem").toFile();
        apiserver.tlsPrivateKeyFile = pki.resolve("kubernetes-key.pem").toFile();
        apiserver.securePort = 0;
        apiserver.bindAddress = "127.0.0.1";
        apiserver.serviceClusterIpRange = "10.32.0.0/24";
        // who may do what, as the hard way's kube-apiserver.service has it
        apiserver.authorizationMode = "Node,RBAC";
        apiserver.enableAdmissionPlugins = List.of("NamespaceLifecycle", "NodeRestriction", "LimitRanger", "ServiceAccount",
                "DefaultStorageClass", "ResourceQuota");
        apiserver.serviceAccountKeyFile = List.of(pki.resolve("service-account.pem").toFile());
        apiserver.serviceAccountSigningKeyFile = pki.resolve("service-account-key.pem").toFile();
        apiserver.serviceAccountIssuer = List.of(ISSUER);
        // no controller manager here makes the namespaces' default service accounts, which the ServiceAccount
        // plugin requires of every pod; AdmissionIT turns it back on
        apiserver.disableAdmissionPlugins = List.of("ServiceAccount");
        moreFlags.accept(apiserver);
        apiserver.start();
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(kubeconfig, "kubernetes", "https://127.0.0.1:" + apiserver.port(), pki.resolve("ca.pem"),
                pki.resolve("admin.pem"), pki.resolve("admin-key.pem"), "admin");
        return new ApiServerUnderTest(dir, etcd, apiserver, kubeconfig, Clients.fromKubeconfig(kubeconfig, "kubej-test"));
    }

    String newNamespace() {
        String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /** The real kubectl (the machine's default version) as the admin. */
    Result kubectl(String... args) throws IOException, InterruptedException {
        return kubectlAs(kubeconfig, args);
    }

    /** {@code kubectl apply -n ns -f} of a manifest given as text. */
    Result apply(String namespace, String yaml) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "manifest", ".yaml");
        Files.writeString(f, yaml);
        return kubectl("apply", "-n", namespace, "-f", f.toString());
    }

    /** A request by curl as the admin, optionally with a body and the response headers, for codes the clients hide. */
    Http send(String method, String path, String contentType, byte[] body, boolean withHeaders) throws IOException, InterruptedException {
        Path pki = dir.resolve("pki");
        List<String> args = new ArrayList<>(List.of("-X", method,
                "--cert", pki.resolve("admin.pem").toString(), "--key", pki.resolve("admin-key.pem").toString()));
        if (body != null) {
            Path file = Files.createTempFile(dir, "body", ".json");
            Files.write(file, body);
            args.addAll(List.of("-H", "Content-Type: " + contentType, "--data-binary", "@" + file));
        }
        if (withHeaders) {
            args.add("-i");
        }
        return curlWith(args, path);
    }

    Http curl(String method, String path) throws IOException, InterruptedException {
        return send(method, path, null, null, false);
    }

    /** A JSON request by curl with the given credentials. */
    Http sendWith(List<String> credentials, String method, String path, String json) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(credentials);
        args.addAll(List.of("-X", method, "-H", "Content-Type: application/json", "--data-binary", json));
        return curlWith(args, path);
    }

    /** A request by curl (GET unless the arguments say otherwise) with the given credentials ({@code --cert/--key}, a header, or none). */
    Http curlWith(List<String> credentials, String path) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--cacert", dir.resolve("pki").resolve("ca.pem").toString(), "-w", "\n%{http_code}"));
        cmd.addAll(credentials);
        cmd.add("https://127.0.0.1:" + apiserver.port() + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new Http(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    /** The curl arguments of a certificate made by {@link #issue}. */
    List<String> certificate(String name) {
        Path pki = dir.resolve("users");
        return List.of("--cert", pki.resolve(name + ".pem").toString(), "--key", pki.resolve(name + "-key.pem").toString());
    }

    /**
     * Issues a certificate from the cluster's CA (or another CA) and writes its kubeconfig.
     *
     * @return the kubeconfig of that identity
     */
    Path issue(CertificateRequest request, CertificateAuthority ca) throws IOException {
        Path users = Files.createDirectories(dir.resolve("users"));
        var keys = CertificateAuthority.newKeyPair();
        Files.writeString(users.resolve(request.certFile()), Pem.encode(ca.issue(request, keys.getPublic())));
        Files.writeString(users.resolve(request.keyFile()), Pem.encode(keys.getPrivate()));
        Path kc = users.resolve(request.name() + ".kubeconfig");
        Kubeconfig.write(kc, "kubernetes", "https://127.0.0.1:" + apiserver.port(), dir.resolve("pki").resolve("ca.pem"),
                users.resolve(request.certFile()), users.resolve(request.keyFile()), request.commonName());
        return kc;
    }

    /** A client certificate from the cluster's CA: user {@code cn}, groups {@code orgs}. */
    Path user(String name, String cn, String... orgs) throws IOException {
        return issue(CertificateRequest.client(name, cn, orgs), clusterCa());
    }

    CertificateAuthority clusterCa() throws IOException {
        Path pki = dir.resolve("pki");
        return new CertificateAuthority(Pem.readCertificate(pki.resolve("ca.pem")), Pem.readPrivateKey(pki.resolve("ca-key.pem")));
    }

    /** The real kubectl with another kubeconfig. */
    Result kubectlAs(Path userKubeconfig, String... args) throws IOException, InterruptedException {
        return kubectlBinary("kubectl", userKubeconfig, args);
    }

    /** Another kubectl version as the admin: {@code kubectl.1.27} ... {@code kubectl.1.33} sit next to the default one. */
    Result kubectlVersion(String minor, String... args) throws IOException, InterruptedException {
        Process which = new ProcessBuilder("sh", "-c", "dirname \"$(readlink -f \"$(command -v kubectl)\")\"").start();
        String bin = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(which.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return kubectlBinary(Path.of(bin, "kubectl." + minor).toString(), kubeconfig, args);
    }

    private Result kubectlBinary(String binary, Path userKubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary, "--kubeconfig", userKubeconfig.toString(),
                "--cache-dir", dir.resolve("kubectl-cache").toString(), "--request-timeout", "30s"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Override
    public void close() {
        client.close();
        apiserver.close();
        etcd.close();
    }
}
