package io.kubej.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.component.ComponentServer;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.cluster.Probes;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-scheduler's secure port (10259 upstream) against the real API server under RBAC, with
 * kubeadm's flags: its own kubeconfig for TokenReviews and SubjectAccessReviews. kubej's RBAC
 * gives the scheduler no read of kube-system/extension-apiserver-authentication, a lookup failure
 * the scheduler tolerates by default, as upstream.
 */
class SchedulerSecurePortIT {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubernetesClient client;
    static KubeScheduler scheduler;
    static ComponentServer server;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.startHardWay(dir, List.of());
        client = cp.client();
        Path kubeconfig = cp.pki().resolve("kube-scheduler.kubeconfig");
        Path config = dir.resolve("kube-scheduler.yaml");
        Files.writeString(config, """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                clientConnection:
                  kubeconfig: "%s"
                leaderElection:
                  leaderElect: false
                """.formatted(kubeconfig));
        scheduler = new KubeScheduler();
        scheduler.config = config;
        scheduler.secureServing.bindAddress = "127.0.0.1";
        scheduler.secureServing.bindPort = Ports.free();
        scheduler.authentication.kubeconfig = kubeconfig;
        scheduler.authorization.kubeconfig = kubeconfig;
        scheduler.start();
        server = scheduler.serve();

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("monitoring").endMetadata().build()).create();
        client.serviceAccounts().inNamespace("monitoring").resource(new ServiceAccountBuilder().withNewMetadata().withName("prometheus").endMetadata().build()).create();
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("prometheus-monitoring").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("system:monitoring").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withNamespace("monitoring").withName("prometheus").endSubject().build()).create();
        // wait for the API server's RBAC cache to follow the binding (the secure port keeps answers 10 s)
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("system:serviceaccount:monitoring:prometheus").withGroups("system:serviceaccounts")
                .withNewNonResourceAttributes().withPath("/metrics").withVerb("get").endNonResourceAttributes()
                .endSpec().build()).create().getStatus().getAllowed()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    /** A client that trusts the system's CAs only: the self-signed serving certificate is refused. */
    static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newBuilder().sslContext(trustingServer()).build().send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts whatever certificate the scheduler presents first (as `curl --cacert` would with the one it served). */
    static SSLContext trustingServer() throws Exception {
        SSLContext probe = SSLContext.getInstance("TLS");
        X509Certificate[] seen = new X509Certificate[1];
        probe.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[chain.length - 1];
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (var socket = (javax.net.ssl.SSLSocket) probe.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("scheduler-ca", seen[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void bringUpsProbeSeesHealthzWithoutCredentials() throws Exception {
        assertThat(Probes.httpOk("https://127.0.0.1:" + server.port() + "/healthz")).isTrue();
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsIsServedToAServiceAccountRbacAllowsAndForbiddenToAnonymous() throws Exception {
        String token = client.serviceAccounts().inNamespace("monitoring").withName("prometheus")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build()).getStatus().getToken();
        assertThat(get("/metrics", token).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(403);
    }
}
