package io.kubej.cmd.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubej.pki.ClusterPki;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java side of the cluster reads the same files: the API server and kubelet serve TLS from
 * them (plain JDK TLS; the keys are PKCS#8 so no BouncyCastle is needed to read them), and every
 * other component reaches the API through the fabric8 client built from a kubeconfig.
 */
class JavaClientsAcceptThePkiTest {
    @TempDir
    static Path pki;

    @BeforeAll
    static void makePki() throws Exception {
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
    }

    @Test
    void jdkTlsHandshakeWithClientCertificateSucceedsUsingOnlyTheJdk() throws Exception {
        SSLContext server = context("kubernetes");
        SSLContext client = context("admin");
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
                    s.getOutputStream().write(1);
                    return c.getSubjectX500Principal().getName();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                // check the server's name like kubectl does: 127.0.0.1 must be an IP SAN of kubernetes.pem
                var params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                s.setSoTimeout(10_000);
                s.startHandshake();
                assertThat(s.getInputStream().read()).isEqualTo(1);
            }
            assertThat(peer.get(10, TimeUnit.SECONDS)).isEqualTo("CN=admin,O=system:masters");
        }
    }

    @Test
    void fabric8ClientLoadsEveryGeneratedKubeconfig() throws Exception {
        for (String k : new String[] {"admin", "worker-0", "kube-proxy", "kube-controller-manager", "kube-scheduler"}) {
            Config config = Config.fromKubeconfig(Files.readString(pki.resolve(k + ".kubeconfig")));
            assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:6443");
            assertThat(config.getClientKeyData()).isNotBlank();
            // building the client parses the embedded key and certificates into its TLS context
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                assertThat(client.getMasterUrl().getPort()).isEqualTo(6443);
            }
        }
    }

    @Test
    void nettyBuildsTheApiServerAndEtcdClientTlsContextsFromTheFiles() throws Exception {
        // what kube-apiserver does with --tls-cert-file/--tls-private-key-file and --etcd-certfile/--etcd-keyfile
        var server = io.netty.handler.ssl.SslContextBuilder
                .forServer(pki.resolve("kubernetes.pem").toFile(), pki.resolve("kubernetes-key.pem").toFile())
                .trustManager(pki.resolve("ca.pem").toFile())
                .clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL)
                .build();
        var client = io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(pki.resolve("ca.pem").toFile())
                .keyManager(pki.resolve("kubernetes.pem").toFile(), pki.resolve("kubernetes-key.pem").toFile())
                .build();
        assertThat(server.isServer()).isTrue();
        assertThat(client.isClient()).isTrue();
    }

    private static SSLContext context(String name) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate ca;
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(pki.resolve("ca.pem"))) {
            ca = (X509Certificate) cf.generateCertificate(in);
        }
        try (InputStream in = Files.newInputStream(pki.resolve(name + ".pem"))) {
            cert = (X509Certificate) cf.generateCertificate(in);
        }
        String pem = Files.readString(pki.resolve(name + "-key.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key, new char[0], new Certificate[] {cert, ca});
        ks.setCertificateEntry("ca", ca);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
