package io.kubej.component.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.component.Component;
import io.kubej.component.ComponentServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secure port end to end over real TLS: the handshake, then 401 / 403 / 200 as upstream answers them. */
class SecureServingTest {
    @TempDir
    Path dir;
    private final TestCertificates clientCa;
    private ComponentServer server;
    private X509Certificate servingCa;

    SecureServingTest() throws Exception {
        clientCa = new TestCertificates("kubernetes-ca");
    }

    private static final Component COMPONENT = new Component() {
        @Override
        public String name() {
            return "kube-test";
        }

        @Override
        public void start() {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void serve() throws Exception {
        SecureServingOptions options = new SecureServingOptions("kube-test", 0);
        options.bindAddress = "127.0.0.1";
        options.certDir = dir.toString();
        try (var s = new java.net.ServerSocket(0)) { // any free port
            options.bindPort = s.getLocalPort();
        }
        // a token review that knows one token, and an API server that lets that user read /metrics
        var authn = DelegatingAuthentication.of(
                new X509Authenticator(() -> List.of(clientCa.ca())),
                new WebhookTokenAuthenticator(t -> t.equals("prometheus-token")
                        ? Optional.of(new UserInfo("prometheus", List.of())) : Optional.empty(), Duration.ofSeconds(10), java.time.InstantSource.system()));
        var authz = new DelegatingAuthorization(DelegatingAuthorizationOptions.ALWAYS_ALLOW_GROUPS, List.of("/healthz", "/readyz", "/livez"),
                (u, verb, path) -> u.name().equals("prometheus") && verb.equals("get") && path.equals("/metrics")
                        ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION,
                Duration.ofSeconds(10), Duration.ofSeconds(10), java.time.InstantSource.system(), null);
        server = SecureServing.start(COMPONENT, options, authn, authz);
        servingCa = ServingCertificate.readCertificates(dir.resolve("kube-test.crt")).get(1);
    }

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> get(String path, SSLContext tls, String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private SSLContext anonymousClient() throws Exception {
        return TestCertificates.clientContext(servingCa, null);
    }

    @Test
    void healthIsServedOverTlsWithoutCredentials() throws Exception {
        for (String p : List.of("/healthz", "/readyz", "/livez")) {
            HttpResponse<String> r = get(p, anonymousClient(), null);
            assertThat(r.statusCode()).as(p).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
    }

    @Test
    void metricsWithoutCredentialsIsForbiddenToAnonymous() throws Exception {
        HttpResponse<String> r = get("/metrics", anonymousClient(), null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).contains("\"reason\":\"Forbidden\"").contains("\"code\":403")
                .contains("forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/metrics\\\"");
    }

    @Test
    void metricsWithATokenTheApiServerAllowsIsServed() throws Exception {
        HttpResponse<String> r = get("/metrics", anonymousClient(), "prometheus-token");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    }

    @Test
    void aRejectedTokenIsUnauthorizedEvenOnHealthz() throws Exception {
        HttpResponse<String> r = get("/healthz", anonymousClient(), "stolen");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"reason\":\"Unauthorized\"").contains("\"code\":401");
    }

    @Test
    void aClientCertificateUserIsAuthorizedByItsName() throws Exception {
        // system:masters, as the hard way's admin certificate, needs no review
        var admin = clientCa.issue("CN=admin,O=system:masters", true);
        assertThat(get("/metrics", TestCertificates.clientContext(servingCa, admin), null).statusCode()).isEqualTo(200);
        var alice = clientCa.issue("CN=alice", true);
        HttpResponse<String> r = get("/metrics", TestCertificates.clientContext(servingCa, alice), null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("User \\\"alice\\\"");
    }

    @Test
    void aPathNobodyServesIsNotFoundOnceAuthorized() throws Exception {
        var admin = clientCa.issue("CN=admin,O=system:masters", true);
        assertThat(get("/nope", TestCertificates.clientContext(servingCa, admin), null).statusCode()).isEqualTo(404);
        assertThat(get("/healthzfoo", anonymousClient(), null).statusCode()).isEqualTo(403);
    }

    @Test
    void securePortZeroServesNothing() throws Exception {
        SecureServingOptions off = new SecureServingOptions("kube-test", 0);
        assertThat(SecureServing.start(COMPONENT, off, DelegatingAuthentication.of(),
                new DelegatingAuthorization(List.of(), List.of(), null, Duration.ZERO, Duration.ZERO, java.time.InstantSource.system(), null))).isNull();
    }
}
