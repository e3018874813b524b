package io.kubej.cmd.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.pki.ClusterPki;
import io.kubej.testcluster.etcd.Etcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hard way's etcd runs with {@code --client-cert-auth} and the API server's kubernetes.pem
 * as its serving cert; the API server connects with the same cert as a client. A real etcd must
 * accept that cert both ways and turn away anyone else.
 */
class EtcdMutualTlsTest {
    @TempDir
    static Path tmp;
    static Path pki;
    static Path otherPki;
    static Etcd etcd;

    @BeforeAll
    static void startEtcdWithTheClusterPki() throws Exception {
        pki = tmp.resolve("pki");
        otherPki = tmp.resolve("other-pki");
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), otherPki);
        Files.createDirectories(tmp.resolve("etcd"));
        etcd = Etcd.start(tmp.resolve("etcd"), new Etcd.Tls(pki.resolve("ca.pem"),
                pki.resolve("kubernetes.pem"), pki.resolve("kubernetes-key.pem")));
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    static Cli.Output etcdctl(Path certDir, boolean withClientCert, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", etcd.clientUrl(),
                "--dial-timeout", "3s", "--command-timeout", "5s",
                "--cacert", pki.resolve("ca.pem").toString()));
        if (withClientCert) {
            cmd.addAll(List.of("--cert", certDir.resolve("kubernetes.pem").toString(),
                    "--key", certDir.resolve("kubernetes-key.pem").toString()));
        }
        cmd.addAll(List.of(args));
        return Cli.run(cmd, Map.of("ETCDCTL_API", "3"));
    }

    @Test
    void etcdAcceptsTheApiServerCertificateAsClientForHealthPutAndGet() throws Exception {
        Cli.Output health = etcdctl(pki, true, "endpoint", "health");
        assertThat(health.exitCode()).as(health.text()).isZero();
        assertThat(health.text()).contains("is healthy");
        assertThat(etcdctl(pki, true, "put", "/registry/kubej/pki-test", "hello").exitCode()).isZero();
        Cli.Output get = etcdctl(pki, true, "get", "/registry/kubej/pki-test", "--print-value-only");
        assertThat(get.exitCode()).as(get.text()).isZero();
        assertThat(get.text().strip()).isEqualTo("hello");
    }

    @Test
    void etcdRejectsAClientWithoutACertificate() throws Exception {
        Cli.Output out = etcdctl(pki, false, "get", "/registry/kubej/pki-test");
        assertThat(out.exitCode()).as(out.text()).isNotZero();
        assertThat(etcd.process().tail(50)).contains("client didn't provide a certificate");
    }

    @Test
    void etcdRejectsAClientCertificateFromAnotherCa() throws Exception {
        Cli.Output out = etcdctl(otherPki, true, "get", "/registry/kubej/pki-test");
        assertThat(out.exitCode()).as(out.text()).isNotZero();
        assertThat(etcd.process().tail(50)).contains("certificate signed by unknown authority");
    }
}
