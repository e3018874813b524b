package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.component.ComponentServer;
import io.kubej.component.server.DelegatingAuthenticationOptions;
import io.kubej.component.server.DelegatingAuthorizationOptions;
import io.kubej.component.server.SecureServing;
import io.kubej.component.server.SecureServingOptions;
import io.kubej.component.server.ServingCertificate;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-controller-manager's secure port (10257 upstream) against the real API server, set up as
 * kubeadm does: {@code --authentication-kubeconfig} and {@code --authorization-kubeconfig} are its
 * own kubeconfig, {@code --client-ca-file} the cluster CA. Health needs no credentials; /metrics
 * needs a user RBAC lets {@code get /metrics} (the system:monitoring ClusterRole).
 */
class SecurePortIT {
    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubernetesClient client;
    static KubeControllerManager kcm;
    static ComponentServer server;
    static X509Certificate servingCa;
    static String ns = "monitoring";

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        cp = TestControlPlane.startHardWay(dir, List.of());
        client = cp.client();
        kcm = new KubeControllerManager();
        Path kubeconfig = cp.pki().resolve("kube-controller-manager.kubeconfig");
        kcm.kubeconfig = kubeconfig;
        kcm.leaderElect = false;
        kcm.controllers = List.of("serviceaccount-controller");
        kcm.secureServing.bindAddress = "127.0.0.1";
        kcm.secureServing.bindPort = Ports.free();
        kcm.secureServing.certDir = dir.resolve("kcm-certs").toString();
        kcm.authentication.kubeconfig = kubeconfig;
        kcm.authentication.clientCaFile = cp.pki().resolve("ca.pem");
        kcm.authorization.kubeconfig = kubeconfig;
        kcm.start();
        server = kcm.serve();
        // the self-signed pair upstream writes into --cert-dir: serving certificate, then its CA
        servingCa = ServingCertificate.readCertificates(dir.resolve("kcm-certs/kube-controller-manager.crt")).get(1);

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        for (String sa : List.of("prometheus", "nosy")) {
            client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build()).create();
        }
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("prometheus-monitoring").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("system:monitoring").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withNamespace(ns).withName("prometheus").endSubject().build()).create();
        // the API server's RBAC cache follows the new binding shortly; wait for it before asking through the secure port,
        // whose answers are then kept for 10 s
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("system:serviceaccount:" + ns + ":prometheus").withGroups("system:serviceaccounts", "system:authenticated")
                .withNewNonResourceAttributes().withPath("/metrics").withVerb("get").endNonResourceAttributes()
                .endSpec().build()).create().getStatus().getAllowed()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kcm != null) {
            kcm.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    static String token(String serviceAccount) {
        return client.serviceAccounts().inNamespace(ns).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();
    }

    static HttpResponse<String> get(ComponentServer on, String path, SSLContext tls, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + on.port() + path));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newBuilder().sslContext(tls).build().send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A TLS client that verifies the controller manager's certificate and presents {@code certName}.pem, if given. */
    static SSLContext tls(String certName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kcm", servingCa);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (certName != null) {
            ServingCertificate pair = ServingCertificate.read(cp.pki().resolve(certName + ".pem"), cp.pki().resolve(certName + "-key.pem"));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(certName, pair.key(), new char[0], pair.chain().toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void healthzIsServedOverHttpsWithoutCredentials() throws Exception {
        HttpResponse<String> r = get(server, "/healthz", tls(null), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.sslSession().orElseThrow().getPeerCertificates()[0]).isInstanceOfSatisfying(X509Certificate.class,
                c -> assertThat(c.getSubjectX500Principal().getName()).startsWith("CN=localhost@"));
    }

    @Test
    void metricsWithoutCredentialsIsForbiddenToAnonymous() throws Exception {
        HttpResponse<String> r = get(server, "/metrics", tls(null), null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("system:anonymous").contains("\"reason\":\"Forbidden\"");
    }

    @Test
    void metricsWithAServiceAccountTokenRbacAllowsIsServed() throws Exception {
        HttpResponse<String> r = get(server, "/metrics", tls(null), token("prometheus"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    }

    @Test
    void metricsWithAServiceAccountTokenRbacDoesNotAllowIsForbidden() throws Exception {
        HttpResponse<String> r = get(server, "/metrics", tls(null), token("nosy"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("forbidden: User \\\"system:serviceaccount:monitoring:nosy\\\" cannot get path \\\"/metrics\\\"");
    }

    @Test
    void aTokenTheApiServerDoesNotKnowIsUnauthorized() throws Exception {
        HttpResponse<String> r = get(server, "/metrics", tls(null), "not-a-token");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"reason\":\"Unauthorized\"");
    }

    @Test
    void clientCertificatesFromTheClusterCaAreUsersToo() throws Exception {
        // the admin certificate is in system:masters; kube-proxy's user may not read /metrics
        assertThat(get(server, "/metrics", tls("admin"), null).statusCode()).isEqualTo(200);
        HttpResponse<String> proxy = get(server, "/metrics", tls("kube-proxy"), null);
        assertThat(proxy.statusCode()).isEqualTo(403);
        assertThat(proxy.body()).contains("system:kube-proxy");
    }

    @Test
    void withoutTheKubeconfigsAsTheHardWayRunsItOnlyHealthIsServed() throws Exception {
        // the hard way's unit passes neither kubeconfig: tokens are not checked, nobody is reviewed
        SecureServingOptions options = new SecureServingOptions("kube-controller-manager", Ports.free());
        options.bindAddress = "127.0.0.1";
        options.certDir = dir.resolve("kcm-certs").toString();
        try (ComponentServer plain = SecureServing.start(kcm, options, new DelegatingAuthenticationOptions().build("kube-controller-manager"),
                new DelegatingAuthorizationOptions().build("kube-controller-manager"))) {
            assertThat(get(plain, "/healthz", tls(null), null).statusCode()).isEqualTo(200);
            assertThat(get(plain, "/metrics", tls(null), token("prometheus")).statusCode()).isEqualTo(403);
            assertThat(get(plain, "/metrics", tls(null), null).statusCode()).isEqualTo(403);
        }
    }
}
