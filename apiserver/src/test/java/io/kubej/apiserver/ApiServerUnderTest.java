package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.pki.ClusterPki;
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

    private ApiServerUnderTest(Path dir, Etcd etcd, KubeApiserver apiserver, Path kubeconfig, KubernetesClient client) {
        this.dir = dir;
        this.etcd = etcd;
        this.apiserver = apiserver;
        this.kubeconfig = kubeconfig;
        this.client = client;
    }

    static ApiServerUnderTest start(Path dir) throws Exception {
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
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", dir.resolve("kubectl-cache").toString(), "--request-timeout", "30s"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
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
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-X", method, "--cacert", pki.resolve("ca.pem").toString(),
                "--cert", pki.resolve("admin.pem").toString(), "--key", pki.resolve("admin-key.pem").toString(), "-w", "\n%{http_code}"));
        if (body != null) {
            Path file = Files.createTempFile(dir, "body", ".json");
            Files.write(file, body);
            cmd.addAll(List.of("-H", "Content-Type: " + contentType, "--data-binary", "@" + file));
        }
        if (withHeaders) {
            cmd.add("-i");
        }
        cmd.add("https://127.0.0.1:" + apiserver.port() + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new Http(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    Http curl(String method, String path) throws IOException, InterruptedException {
        return send(method, path, null, null, false);
    }

    @Override
    public void close() {
        client.close();
        apiserver.close();
        etcd.close();
    }
}
