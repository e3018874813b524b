package io.kubej.apiserver.registry.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.ProtobufBody;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * rbac.authorization.k8s.io/v1 (upstream {@code pkg/registry/rbac}): Roles and ClusterRoles
 * hold rules (verbs on resources in API groups, or on non-resource URLs); RoleBindings and
 * ClusterRoleBindings give a role to subjects. A binding's roleRef can never change: to bind
 * another role, delete and recreate the binding. Names are path segments (so {@code system:node}
 * is a valid name). The RBAC authorizer that reads these is part of the security issue.
 */
public final class RbacResources {
    private static final String GROUP = "rbac.authorization.k8s.io";

    /** rbac/v1's protobuf messages (field numbers from k8s.io/api rbac/v1 generated.proto): what kubectl create role|rolebinding send. */
    static final ProtoMessage POLICY_RULE = ProtoMessage.of().strings(1, "verbs").strings(2, "apiGroups").strings(3, "resources")
            .strings(4, "resourceNames").strings(5, "nonResourceURLs");
    static final ProtoMessage ROLE = ProtoMessage.of().objectMeta().messages(2, "rules", POLICY_RULE)
            .message(3, "aggregationRule", ProtoMessage.of().messages(1, "clusterRoleSelectors", ProtobufBody.LABEL_SELECTOR));
    static final ProtoMessage BINDING = ProtoMessage.of().objectMeta()
            .messages(2, "subjects", ProtoMessage.of().string(1, "kind").string(2, "apiGroup").string(3, "name").string(4, "namespace"))
            .message(3, "roleRef", ProtoMessage.of().string(1, "apiGroup").string(2, "kind").string(3, "name"));

    private RbacResources() {
    }

    public static List<Resource> resources() {
        return List.of(role("Role", Role.class, true), role("ClusterRole", ClusterRole.class, false),
                binding("RoleBinding", RoleBinding.class, true), binding("ClusterRoleBinding", ClusterRoleBinding.class, false));
    }

    private static Resource role(String kind, Class<?> model, boolean namespaced) {
        Resource.Builder b = Resource.builder(GROUP, "v1", kind).model(model).nameRule(Validation.NameRule.PATH_SEGMENT)
                .protobuf(ROLE.decoder())
                .strategy(SimpleStrategy.builder().noStatus().validate(RbacResources::validateRules).build())
                .table(TableConvertor.of(List.of(Column.name("Name of the role"), Column.of("Created At", "date", "When it was made")),
                        (r, now) -> List.of(TableConvertor.name(r), r.path("metadata").path("creationTimestamp").asText())));
        return (namespaced ? b : b.clusterScoped()).build();
    }

    private static Resource binding(String kind, Class<?> model, boolean namespaced) {
        Resource.Builder b = Resource.builder(GROUP, "v1", kind).model(model).nameRule(Validation.NameRule.PATH_SEGMENT)
                .protobuf(BINDING.decoder())
                .strategy(SimpleStrategy.builder().noStatus()
                        .validate(o -> validateBinding(o, namespaced))
                        .validateUpdate((o, old) -> o.path("roleRef").equals(old.path("roleRef")) ? List.of()
                                : List.of(Validation.invalid("roleRef", o.path("roleRef").toString(), "cannot change roleRef")))
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the binding"), Column.of("Role", "string", "The role bound"),
                        Column.of("Age", "string", "Time since creation"),
                        Column.wide("Users", "string", "Users bound"), Column.wide("Groups", "string", "Groups bound"),
                        Column.wide("ServiceAccounts", "string", "Service accounts bound")), (rb, now) -> List.of(
                                TableConvertor.name(rb), rb.path("roleRef").path("kind").asText() + "/" + rb.path("roleRef").path("name").asText(),
                                TableConvertor.age(rb, now), subjects(rb, "User"), subjects(rb, "Group"), subjects(rb, "ServiceAccount"))));
        return (namespaced ? b : b.clusterScoped()).build();
    }

    static List<Cause> validateRules(ObjectNode role) {
        List<Cause> causes = new ArrayList<>();
        JsonNode rules = role.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            String f = "rules[" + i + "]";
            if (r.path("verbs").isEmpty()) {
                causes.add(Validation.required(f + ".verbs"));
            }
            boolean urls = !r.path("nonResourceURLs").isEmpty();
            if (!urls && r.path("resources").isEmpty() && r.path("apiGroups").isEmpty()) {
                causes.add(Validation.required(f + ".resources"));
            }
            if (urls && role.path("metadata").has("namespace") && !role.path("metadata").path("namespace").asText().isEmpty()) {
                causes.add(Validation.invalid(f + ".nonResourceURLs", r.path("nonResourceURLs").toString(),
                        "namespaced rules cannot apply to non-resource URLs"));
            }
        }
        return causes;
    }

    static List<Cause> validateBinding(ObjectNode rb, boolean namespaced) {
        List<Cause> causes = new ArrayList<>();
        JsonNode ref = rb.path("roleRef");
        if (!ref.path("apiGroup").asText().equals(GROUP)) {
            causes.add(Validation.notSupported("roleRef.apiGroup", ref.path("apiGroup").asText(), List.of(GROUP)));
        }
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(ref.path("kind").asText())) {
            causes.add(Validation.notSupported("roleRef.kind", ref.path("kind").asText(), kinds));
        }
        if (ref.path("name").asText("").isEmpty()) {
            causes.add(Validation.required("roleRef.name"));
        }
        JsonNode subjects = rb.path("subjects");
        for (int i = 0; i < subjects.size(); i++) {
            JsonNode s = subjects.get(i);
            String kind = s.path("kind").asText();
            if (!List.of("User", "Group", "ServiceAccount").contains(kind)) {
                causes.add(Validation.notSupported("subjects[" + i + "].kind", kind, List.of("ServiceAccount", "User", "Group")));
            }
            if (s.path("name").asText("").isEmpty()) {
                causes.add(Validation.required("subjects[" + i + "].name"));
            }
            if (kind.equals("ServiceAccount") && !namespaced && s.path("namespace").asText("").isEmpty()) {
                causes.add(Validation.required("subjects[" + i + "].namespace"));
            }
        }
        return causes;
    }

    private static String subjects(ObjectNode rb, String kind) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : rb.path("subjects")) {
            if (s.path("kind").asText().equals(kind)) {
                out.add(kind.equals("ServiceAccount") ? s.path("namespace").asText() + "/" + s.path("name").asText() : s.path("name").asText());
            }
        }
        return String.join(", ", out);
    }
}
