package io.kubej.component.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DelegatingAuthenticationTest {
    private final MutableClock clock = new MutableClock();
    private final TestCertificates clientCa;
    private final TestCertificates frontProxyCa;

    DelegatingAuthenticationTest() throws Exception {
        clientCa = new TestCertificates("kubernetes-ca");
        frontProxyCa = new TestCertificates("front-proxy-ca");
    }

    private static ServingRequest request(Map<String, List<String>> headers, List<X509Certificate> certs) {
        return new ServingRequest("GET", "/metrics", headers, certs);
    }

    private X509Authenticator x509() {
        return new X509Authenticator(() -> List.of(clientCa.ca()));
    }

    private RequestHeaderAuthenticator requestHeader(List<String> allowedNames) {
        return new RequestHeaderAuthenticator(new RequestHeaderAuthenticator.Config(() -> List.of(frontProxyCa.ca()), allowedNames,
                List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-")));
    }

    @Test
    void aRequestWithoutCredentialsIsAnonymous() throws Exception {
        var chain = DelegatingAuthentication.of(x509(), new WebhookTokenAuthenticator(t -> Optional.empty(), Duration.ofSeconds(10), clock));
        UserInfo user = chain.authenticate(request(Map.of(), List.of())).orElseThrow();
        assertThat(user.name()).isEqualTo("system:anonymous");
        assertThat(user.groups()).containsExactly("system:unauthenticated");
    }

    @Test
    void aClientCertificateFromTheClientCaNamesTheUserByCnAndGroupsByO() throws Exception {
        var cert = clientCa.issue("CN=alice,O=system:monitoring,O=dev", true);
        UserInfo user = DelegatingAuthentication.of(x509()).authenticate(request(Map.of(), TestCertificates.chain(cert))).orElseThrow();
        assertThat(user.name()).isEqualTo("alice");
        assertThat(user.groups()).containsExactly("system:monitoring", "dev", "system:authenticated");
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedNotAnonymous() throws Exception {
        var stranger = new TestCertificates("other-ca").issue("CN=mallory", true);
        assertThatThrownBy(() -> DelegatingAuthentication.of(x509()).authenticate(request(Map.of(), TestCertificates.chain(stranger))))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("unknown authority");
    }

    @Test
    void aServingCertificateIsNoClientCertificate() throws Exception {
        var server = clientCa.issue("CN=web", false);
        assertThatThrownBy(() -> x509().authenticate(request(Map.of(), TestCertificates.chain(server))))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("key usage");
    }

    @Test
    void aBearerTokenIsReviewedOnceAndTheAnswerKeptForTheCacheTtl() throws Exception {
        AtomicInteger reviews = new AtomicInteger();
        var tokens = new WebhookTokenAuthenticator(t -> {
            reviews.incrementAndGet();
            return t.equals("good") ? Optional.of(new UserInfo("system:serviceaccount:ns:prom", List.of("system:serviceaccounts"))) : Optional.empty();
        }, Duration.ofSeconds(10), clock);
        var chain = DelegatingAuthentication.of(tokens);
        var bearer = Map.of("authorization", List.of("Bearer good"));
        assertThat(chain.authenticate(request(bearer, List.of())).orElseThrow().groups())
                .containsExactly("system:serviceaccounts", "system:authenticated");
        clock.advance(Duration.ofSeconds(9));
        chain.authenticate(request(bearer, List.of()));
        assertThat(reviews).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        chain.authenticate(request(bearer, List.of()));
        assertThat(reviews).hasValue(2);
    }

    @Test
    void aRejectedTokenIsRefusedAndTheRejectionIsCachedToo() throws Exception {
        AtomicInteger reviews = new AtomicInteger();
        var chain = DelegatingAuthentication.of(new WebhookTokenAuthenticator(t -> {
            reviews.incrementAndGet();
            return Optional.empty();
        }, Duration.ofSeconds(10), clock));
        var bad = request(Map.of("Authorization", List.of("Bearer nope")), List.of());
        assertThatThrownBy(() -> chain.authenticate(bad)).isInstanceOf(AuthenticationException.class).hasMessageContaining("invalid bearer token");
        assertThatThrownBy(() -> chain.authenticate(bad)).isInstanceOf(AuthenticationException.class);
        assertThat(reviews).hasValue(1);
    }

    @Test
    void aTokenReviewThatFailsIsNotCached() throws Exception {
        AtomicInteger reviews = new AtomicInteger();
        var tokens = new WebhookTokenAuthenticator(t -> {
            if (reviews.incrementAndGet() == 1) {
                throw new IllegalStateException("connection refused");
            }
            return Optional.of(new UserInfo("bob", List.of()));
        }, Duration.ofSeconds(10), clock);
        var req = request(Map.of("Authorization", List.of("Bearer t")), List.of());
        assertThatThrownBy(() -> tokens.authenticate(req)).hasMessageContaining("connection refused");
        assertThat(tokens.authenticate(req).orElseThrow().name()).isEqualTo("bob");
    }

    @Test
    void anotherAuthorizationSchemeIsNoBearerToken() throws Exception {
        var tokens = new WebhookTokenAuthenticator(t -> Optional.of(new UserInfo("x", List.of())), Duration.ofSeconds(10), clock);
        assertThat(tokens.authenticate(request(Map.of("Authorization", List.of("Basic YTpi")), List.of()))).isEmpty();
        assertThat(tokens.authenticate(request(Map.of("Authorization", List.of("Bearer ")), List.of()))).isEmpty();
    }

    @Test
    void aFrontProxyWithAnAllowedNameSaysWhoTheUserIs() throws Exception {
        var proxy = frontProxyCa.issue("CN=front-proxy-client", true);
        var headers = Map.of("X-Remote-User", List.of("carol"), "X-Remote-Group", List.of("admins", "dev"),
                "X-Remote-Extra-Scopes", List.of("a", "b"), "X-Remote-Extra-Team%2fName", List.of("x"));
        UserInfo user = DelegatingAuthentication.of(requestHeader(List.of("front-proxy-client")), x509())
                .authenticate(request(headers, TestCertificates.chain(proxy))).orElseThrow();
        assertThat(user.name()).isEqualTo("carol");
        assertThat(user.groups()).containsExactly("admins", "dev", "system:authenticated");
        assertThat(user.extra()).containsEntry("scopes", List.of("a", "b")).containsEntry("team/name", List.of("x"));
    }

    @Test
    void aFrontProxyWhoseNameIsNotAllowedIsRefused() throws Exception {
        var proxy = frontProxyCa.issue("CN=somebody-else", true);
        assertThatThrownBy(() -> requestHeader(List.of("front-proxy-client"))
                .authenticate(request(Map.of("X-Remote-User", List.of("carol")), TestCertificates.chain(proxy))))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("not in the allowed list");
    }

    @Test
    void userHeadersFromAClientWithoutAFrontProxyCertificateAreNotBelieved() throws Exception {
        var alice = clientCa.issue("CN=alice", true);
        var headers = Map.of("X-Remote-User", List.of("cluster-admin"), "X-Remote-Group", List.of("system:masters"));
        UserInfo user = DelegatingAuthentication.of(requestHeader(List.of()), x509())
                .authenticate(request(headers, TestCertificates.chain(alice))).orElseThrow();
        assertThat(user.name()).isEqualTo("alice");
        assertThat(user.groups()).doesNotContain("system:masters");
        // and without any certificate the headers make no one
        assertThat(DelegatingAuthentication.of(requestHeader(List.of())).authenticate(request(headers, List.of())).orElseThrow().name())
                .isEqualTo("system:anonymous");
    }
}
