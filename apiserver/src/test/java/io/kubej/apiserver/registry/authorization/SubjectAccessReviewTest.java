package io.kubej.apiserver.registry.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A SubjectAccessReview asks the same question a request to that path would. */
class SubjectAccessReviewTest {

    private static ObjectNode review(String path, String verb) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree("""
                {"spec": {"user": "system:serviceaccount:monitoring:prometheus", "groups": ["system:serviceaccounts"],
                          "nonResourceAttributes": {"path": "%s", "verb": "%s"}}}""".formatted(path, verb));
    }

    @Test
    void aNonResourceReviewIsAskedForThePathAsARequestToItWouldBe() throws Exception {
        // an authorizer that allows exactly what a GET /metrics is parsed into
        RequestInfo metrics = RequestInfo.parse("GET", "/metrics", false);
        Authorizer onlyMetrics = (user, r) -> !r.resourceRequest() && r.verb().equals(metrics.verb())
                && PolicyRule.path(r).equals(PolicyRule.path(metrics)) ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION;
        assertThat(AuthorizationResources.decide(onlyMetrics, review("/metrics", "get"), new UserInfo("x", List.of()), null)
                .path("status").path("allowed").asBoolean()).isTrue();
        assertThat(AuthorizationResources.decide(onlyMetrics, review("/healthz", "get"), new UserInfo("x", List.of()), null)
                .path("status").path("allowed").asBoolean()).isFalse();
    }
}
