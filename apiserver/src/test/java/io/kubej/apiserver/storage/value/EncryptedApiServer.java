package io.kubej.apiserver.storage.value;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.apiserver.KubeApiserver;
import io.kubej.client.Clients;
import io.kubej.pki.ClusterPki;
import io.kubej.pki.Kubeconfig;
import io.kubej.testcluster.etcd.Etcd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * A real etcd and an in-process kube-apiserver started with {@code --encryption-provider-config},
 * restartable with another config on the same etcd (what a key rotation does), plus a raw
 * etcd client to look at what is really stored, as {@code etcdctl get} does on the task page.
 */
final class EncryptedApiServer implements AutoCloseable {
    final Path dir;
    final Path pki;
    final Etcd etcd;
    final Client raw;
    final Path kubeconfig;
    KubeApiserver apiserver;
    KubernetesClient client;

    record Shell(int exit, String out) {
    }

    private EncryptedApiServer(Path dir) throws Exception {
        this.dir = dir;
        this.pki = dir.resolve("pki");
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
        Files.createDirectories(dir.resolve("etcd"));
        this.etcd = Etcd.start(dir.resolve("etcd"), null);
        this.raw = Client.builder().endpoints(etcd.clientUrl()).build();
        this.kubeconfig = dir.resolve("admin.kubeconfig");
    }

    /** etcd, and the API server with the given encryption config. */
    static EncryptedApiServer start(Path dir, Path encryptionConfig) throws Exception {
        EncryptedApiServer s = new EncryptedApiServer(dir);
        s.restart(encryptionConfig);
        return s;
    }

    /** The hard way's encryption-config.yaml as {@code kubej pki init} wrote it: Secrets with aescbc key1, then identity. */
    Path pkiEncryptionConfig() {
        return pki.resolve(ClusterPki.ENCRYPTION_CONFIG);
    }

    /** The hard way's API server flags (those an in-process test needs), on a free port. */
    static KubeApiserver apiserver(Path pki, String etcdUrl, Path encryptionConfig) {
        KubeApiserver a = new KubeApiserver();
        new CommandLine(a).parseArgs("--etcd-servers=" + etcdUrl,
                "--client-ca-file=" + pki.resolve("ca.pem"),
                "--tls-cert-file=" + pki.resolve("kubernetes.pem"),
                "--tls-private-key-file=" + pki.resolve("kubernetes-key.pem"),
                "--secure-port=0", "--bind-address=127.0.0.1", "--service-cluster-ip-range=10.32.0.0/24",
                "--encryption-provider-config=" + encryptionConfig);
        return a;
    }

    /** Stops the API server (if running) and starts it again with another encryption config, as a restart after editing the file. */
    void restart(Path encryptionConfig) throws Exception {
        if (client != null) {
            client.close();
        }
        if (apiserver != null) {
            apiserver.close();
        }
        apiserver = apiserver(pki, etcd.clientUrl(), encryptionConfig);
        apiserver.start();
        Kubeconfig.write(kubeconfig, "kubernetes", "https://127.0.0.1:" + apiserver.port(), pki.resolve("ca.pem"),
                pki.resolve("admin.pem"), pki.resolve("admin-key.pem"), "admin");
        client = Clients.fromKubeconfig(kubeconfig, "kubej-test");
    }

    String newNamespace() {
        String ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /** The stored bytes of an etcd key, or null. */
    byte[] rawValue(String key) throws Exception {
        List<KeyValue> kvs = raw.getKVClient().get(bs(key)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().getBytes();
    }

    /** Every key under prefix with its stored bytes. */
    Map<String, byte[]> rawValues(String prefix) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (KeyValue kv : raw.getKVClient().get(bs(prefix), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes());
        }
        return out;
    }

    void putRaw(String key, byte[] value) throws Exception {
        raw.getKVClient().put(bs(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
    }

    void deleteRaw(String key) throws Exception {
        raw.getKVClient().delete(bs(key)).get(10, TimeUnit.SECONDS);
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /**
     * A shell command line as a learner types it ({@code kubectl ... | kubectl ...}), with the
     * real kubectl ({@code $KUBEJ_KUBECTL} picks another binary, as test-cluster's Kubectl does)
     * talking to this server as the admin through {@code $KUBECONFIG}.
     */
    Shell shell(String commandLine) throws Exception {
        String kubectl = System.getenv("KUBEJ_KUBECTL");
        String script = kubectl == null || kubectl.isBlank() ? commandLine : "kubectl() { \"$KUBEJ_KUBECTL\" \"$@\"; }; " + commandLine;
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", script).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("KUBECACHEDIR", dir.resolve("kubectl-cache").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(commandLine).isTrue();
        return new Shell(p.exitValue(), out);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (apiserver != null) {
            apiserver.close();
        }
        raw.close();
        etcd.close();
    }
}
