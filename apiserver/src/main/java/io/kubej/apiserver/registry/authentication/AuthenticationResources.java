package io.kubej.apiserver.registry.authentication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.authentication.TokenAuthenticator;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import java.util.List;

/**
 * authentication.k8s.io/v1 (upstream {@code pkg/registry/authentication}): answered, never
 * stored. A SelfSubjectReview tells the caller who the API server thinks it is
 * ({@code kubectl auth whoami}). A TokenReview asks whether a bearer token is valid, with
 * the same token authenticators that check requests' bearer tokens (a kubelet's webhook
 * authentication asks this way).
 */
public final class AuthenticationResources {
    static final String GROUP = "authentication.k8s.io";

    private AuthenticationResources() {
    }

    /**
     * @param tokens       the API server's token authenticators
     * @param apiAudiences {@code --api-audiences}: what a review without audiences checks against
     */
    public static List<Resource> resources(TokenAuthenticator tokens, List<String> apiAudiences) {
        return List.of(
                Resource.builder(GROUP, "v1", "SelfSubjectReview").clusterScoped().model(SelfSubjectReview.class).protobuf(ProtoMessage.of().objectMeta().decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((review, user, ns) -> {
                            Json.obj(review, "status").set("userInfo", user.toJson());
                            return review;
                        }).build(),
                Resource.builder(GROUP, "v1", "TokenReview").clusterScoped().model(TokenReview.class)
                        .protobuf(ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of().string(1, "token").strings(2, "audiences")).decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((review, user, ns) -> tokenReview(tokens, apiAudiences, review)).build());
    }

    /** Upstream's {@code pkg/registry/authentication/tokenreview}: the review's audiences, or the API server's. */
    static ObjectNode tokenReview(TokenAuthenticator tokens, List<String> apiAudiences, ObjectNode review) {
        String token = review.path("spec").path("token").asText("");
        List<String> audiences = new java.util.ArrayList<>();
        review.path("spec").path("audiences").forEach(a -> audiences.add(a.asText()));
        ObjectNode status = Json.obj(review, "status");
        if (token.isEmpty()) {
            throw io.kubej.apiserver.api.StatusError.badRequest("token is required for TokenReview in authentication");
        }
        var result = tokens.authenticateToken(token, audiences.isEmpty() ? apiAudiences : audiences);
        status.put("authenticated", result.isPresent());
        if (result.isEmpty()) {
            status.put("error", "token is not valid");
            return review;
        }
        status.set("user", result.get().user().toJson());
        var auds = status.putArray("audiences");
        result.get().audiences().forEach(auds::add);
        return review;
    }
}
