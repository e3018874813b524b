package io.kubej.apiserver.registry.authorization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * authorization.k8s.io/v1 (upstream {@code pkg/registry/authorization}): questions to the API
 * server's authorizer, answered and never stored. A SubjectAccessReview asks for any user, a
 * LocalSubjectAccessReview for one namespace, a SelfSubjectAccessReview for the caller
 * ({@code kubectl auth can-i}); a SelfSubjectRulesReview lists what the caller may do
 * ({@code kubectl auth can-i --list}). The answers are the same authorizer's that guards
 * every request, so they change with {@code --authorization-mode}.
 */
public final class AuthorizationResources {
    static final String GROUP = "authorization.k8s.io";

    private AuthorizationResources() {
    }

    /** The request side of the review kinds in protobuf (field numbers of upstream's authorization/v1 generated.proto). */
    private static final ProtoMessage RESOURCE_ATTRIBUTES = ProtoMessage.of().string(1, "namespace").string(2, "verb")
            .string(3, "group").string(4, "version").string(5, "resource").string(6, "subresource").string(7, "name");
    private static final ProtoMessage NON_RESOURCE_ATTRIBUTES = ProtoMessage.of().string(1, "path").string(2, "verb");
    private static final ProtoMessage ACCESS_REVIEW = ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of()
            .message(1, "resourceAttributes", RESOURCE_ATTRIBUTES).message(2, "nonResourceAttributes", NON_RESOURCE_ATTRIBUTES)
            .string(3, "user").strings(4, "groups").string(6, "uid"));
    private static final ProtoMessage RULES_REVIEW = ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of().string(1, "namespace"));

    public static List<Resource> resources(Authorizer authorizer, RuleResolver ruleResolver) {
        return List.of(
                Resource.builder(GROUP, "v1", "SubjectAccessReview").clusterScoped().model(SubjectAccessReview.class).protobuf(ACCESS_REVIEW.decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((r, user, ns) -> decide(authorizer, r, subject(r.path("spec")), null)).build(),
                Resource.builder(GROUP, "v1", "LocalSubjectAccessReview").model(LocalSubjectAccessReview.class).protobuf(ACCESS_REVIEW.decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((r, user, ns) -> decide(authorizer, r, subject(r.path("spec")), ns)).build(),
                Resource.builder(GROUP, "v1", "SelfSubjectAccessReview").clusterScoped().model(SelfSubjectAccessReview.class).protobuf(ACCESS_REVIEW.decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((r, user, ns) -> decide(authorizer, r, user, null)).build(),
                Resource.builder(GROUP, "v1", "SelfSubjectRulesReview").clusterScoped().model(SelfSubjectRulesReview.class).protobuf(RULES_REVIEW.decoder())
                        .strategy(SimpleStrategy.builder().build())
                        .review((r, user, ns) -> rules(ruleResolver, r, user)).build());
    }

    private static UserInfo subject(JsonNode spec) {
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        return new UserInfo(spec.path("user").asText(""), groups);
    }

    /** The authorizer's verdict on the review's resource or non-resource attributes. */
    static ObjectNode decide(Authorizer authorizer, ObjectNode review, UserInfo user, String namespace) {
        JsonNode spec = review.path("spec");
        JsonNode res = spec.path("resourceAttributes");
        RequestInfo asked;
        if (!res.isMissingNode()) {
            String ns = res.path("namespace").asText("");
            if (namespace != null && !ns.equals(namespace)) {
                throw StatusError.badRequest("spec.resourceAttributes.namespace must match namespace: " + namespace);
            }
            asked = new RequestInfo(true, res.path("group").asText(""), res.path("version").asText(""), ns,
                    res.path("resource").asText(""), res.path("name").asText(""), res.path("subresource").asText(""),
                    res.path("verb").asText(""), List.of());
        } else {
            JsonNode non = spec.path("nonResourceAttributes");
            // a path's segments, as RequestInfo.parse splits a request's path (rules then see "/metrics", not "//metrics")
            List<String> parts = List.of(non.path("path").asText("").replaceAll("^/+|/+$", "").split("/"));
            asked = new RequestInfo(false, "", "", "", "", "", "", non.path("verb").asText(""), parts);
        }
        boolean allowed = authorizer.allows(user, asked);
        ObjectNode status = Json.obj(review, "status").put("allowed", allowed);
        if (!allowed) {
            status.put("denied", true);
        }
        return review;
    }

    /** What the caller may do in the namespace asked about, as the authorizers can list it. */
    static ObjectNode rules(RuleResolver resolver, ObjectNode review, UserInfo user) {
        String ns = review.path("spec").path("namespace").asText("");
        RuleResolver.Rules rules = resolver.rulesFor(user, ns);
        ObjectNode status = Json.obj(review, "status");
        var resourceRules = status.putArray("resourceRules");
        rules.resourceRules().forEach(r -> resourceRules.add(r.toJson()));
        var nonResourceRules = status.putArray("nonResourceRules");
        for (PolicyRule r : rules.nonResourceRules()) {
            ObjectNode o = nonResourceRules.addObject();
            var verbs = o.putArray("verbs");
            r.verbs().forEach(verbs::add);
            var urls = o.putArray("nonResourceURLs");
            r.nonResourceURLs().forEach(urls::add);
        }
        status.put("incomplete", rules.incomplete());
        return review;
    }
}
