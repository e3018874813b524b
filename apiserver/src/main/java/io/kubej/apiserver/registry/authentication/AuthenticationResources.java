package io.kubej.apiserver.registry.authentication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import java.util.List;

/**
 * authentication.k8s.io/v1 (upstream {@code pkg/registry/authentication}): answered, never
 * stored. A SelfSubjectReview tells the caller who the API server thinks it is
 * ({@code kubectl auth whoami}). A TokenReview asks whether a bearer token is valid; kubej
 * authenticates client certificates only so far (service-account tokens are the security
 * issue's), so every token is reported unauthenticated with that reason.
 */
public final class AuthenticationResources {
    static final String GROUP = "authentication.k8s.io";

    private AuthenticationResources() {
    }

    public static List<Resource> resources() {
        return List.of(
                Resource.builder(GROUP, "v1", "SelfSubjectReview").clusterScoped().model(SelfSubjectReview.class).protobuf(ProtoMessage.of().objectMeta().decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((review, user, ns) -> {
                            ObjectNode info = Json.obj(Json.obj(review, "status"), "userInfo");
                            info.put("username", user.name());
                            var groups = info.putArray("groups");
                            user.groups().forEach(groups::add);
                            return review;
                        }).build(),
                Resource.builder(GROUP, "v1", "TokenReview").clusterScoped().model(TokenReview.class)
                        .protobuf(ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of().string(1, "token").strings(2, "audiences")).decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((review, user, ns) -> {
                            Json.obj(review, "status").put("authenticated", false)
                                    .put("error", "kubej authenticates client certificates only; bearer tokens are not supported yet");
                            return review;
                        }).build());
    }
}
