package io.kubej.component.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.component.server.Authorizer.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelegatingAuthorizationTest {
    private static final List<String> DEFAULT_PATHS = List.of("/healthz", "/readyz", "/livez");
    private static final UserInfo ANONYMOUS = UserInfo.anonymous();
    private static final UserInfo PROMETHEUS = new UserInfo("system:serviceaccount:monitoring:prometheus",
            List.of("system:serviceaccounts", "system:authenticated"));
    private final MutableClock clock = new MutableClock();
    private final List<String> asked = new ArrayList<>();

    private DelegatingAuthorization authorizer(DelegatingAuthorization.SubjectAccessReviewer reviewer) {
        return new DelegatingAuthorization(DelegatingAuthorizationOptions.ALWAYS_ALLOW_GROUPS, DEFAULT_PATHS, reviewer,
                Duration.ofSeconds(10), Duration.ofSeconds(5), clock, null);
    }

    private DelegatingAuthorization.SubjectAccessReviewer allowing(String user) {
        return (u, verb, path) -> {
            asked.add(u.name() + " " + verb + " " + path);
            return u.name().equals(user) && verb.equals("get") ? Decision.ALLOW : Decision.NO_OPINION;
        };
    }

    @Test
    void healthPathsAreAllowedToAnyoneWithoutAskingTheApiServer() {
        var authz = authorizer(allowing("nobody"));
        for (String p : DEFAULT_PATHS) {
            assertThat(authz.authorize(ANONYMOUS, "get", p)).as(p).isEqualTo(Decision.ALLOW);
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void alwaysAllowPathsMatchExactlyOrByATrailingStar() {
        var authz = new DelegatingAuthorization(List.of(), List.of("/healthz", "debug/*"), null,
                Duration.ofSeconds(10), Duration.ofSeconds(10), clock, null);
        assertThat(authz.authorize(ANONYMOUS, "get", "/healthz")).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ANONYMOUS, "get", "/healthz/ping")).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ANONYMOUS, "get", "/debug/pprof/heap")).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ANONYMOUS, "get", "/metrics")).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void aStarAnywhereButTheEndIsRefused() {
        assertThatThrownBy(() -> new DelegatingAuthorization(List.of(), List.of("/de*bug"), null,
                Duration.ofSeconds(10), Duration.ofSeconds(10), clock, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only trailing *");
    }

    @Test
    void withoutAnAuthorizationKubeconfigMetricsHasNoAuthorizerThatCouldAllowIt() {
        var authz = authorizer(null);
        assertThat(authz.authorize(PROMETHEUS, "get", "/metrics")).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ANONYMOUS, "get", "/healthz")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void systemMastersMayDoAnythingWithoutAReview() {
        var authz = authorizer(allowing("nobody"));
        assertThat(authz.authorize(new UserInfo("admin", List.of("system:masters")), "get", "/metrics")).isEqualTo(Decision.ALLOW);
        assertThat(asked).isEmpty();
    }

    @Test
    void metricsAsksTheApiServerForThePathAndVerbAndKeepsAnAllowForTheAuthorizedTtl() {
        var authz = authorizer(allowing(PROMETHEUS.name()));
        assertThat(authz.authorize(PROMETHEUS, "get", "/metrics")).isEqualTo(Decision.ALLOW);
        clock.advance(Duration.ofSeconds(9));
        assertThat(authz.authorize(PROMETHEUS, "get", "/metrics")).isEqualTo(Decision.ALLOW);
        assertThat(asked).containsExactly("system:serviceaccount:monitoring:prometheus get /metrics");
        clock.advance(Duration.ofSeconds(1));
        authz.authorize(PROMETHEUS, "get", "/metrics");
        assertThat(asked).hasSize(2);
    }

    @Test
    void aRefusalIsKeptForTheUnauthorizedTtlAndEachVerbIsItsOwnQuestion() {
        var authz = authorizer(allowing(PROMETHEUS.name()));
        assertThat(authz.authorize(ANONYMOUS, "get", "/metrics")).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(PROMETHEUS, "post", "/metrics")).isEqualTo(Decision.NO_OPINION);
        clock.advance(Duration.ofSeconds(4));
        authz.authorize(ANONYMOUS, "get", "/metrics");
        assertThat(asked).hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        authz.authorize(ANONYMOUS, "get", "/metrics");
        assertThat(asked).hasSize(3);
    }

    @Test
    void aReviewThatFailsIsNoOpinionAndIsAskedAgain() {
        int[] calls = {0};
        var authz = authorizer((u, verb, path) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("API server unreachable");
            }
            return Decision.ALLOW;
        });
        assertThat(authz.authorize(PROMETHEUS, "get", "/metrics")).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(PROMETHEUS, "get", "/metrics")).isEqualTo(Decision.ALLOW);
    }
}
