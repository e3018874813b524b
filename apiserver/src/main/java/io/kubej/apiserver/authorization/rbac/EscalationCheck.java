package io.kubej.apiserver.authorization.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.AdmissionPlugin;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * RBAC's escalation prevention (upstream {@code pkg/registry/rbac/*}/policybased and
 * {@code rbac/validation}): you cannot give away what you do not have. Writing a Role or
 * ClusterRole needs every one of its rules to be covered by the writer's own rules, unless the
 * writer may {@code escalate} roles; writing a binding needs the referenced role's rules to be
 * covered, unless the writer may {@code bind} that role. {@code system:masters} is exempt, as
 * upstream. Only the RBAC kinds' create and update are checked.
 */
public final class EscalationCheck implements AdmissionPlugin {
    private static final String GROUP = "rbac.authorization.k8s.io";

    private final Authorizer authorizer;
    private final RuleResolver rules;
    private final RbacAuthorizer rbac;

    public EscalationCheck(Authorizer authorizer, RuleResolver rules, RbacAuthorizer rbac) {
        this.authorizer = authorizer;
        this.rules = rules;
        this.rbac = rbac;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.resource().group().equals(GROUP) || a.object() == null || !a.mainResource()
                || !(a.operation().equals("CREATE") || a.operation().equals("UPDATE"))) {
            return;
        }
        UserInfo user = a.user();
        if (user == null || user.inGroup("system:masters")) {
            return;
        }
        String ns = a.namespace() == null ? "" : a.namespace();
        ObjectNode o = a.object();
        switch (a.resource().plural()) {
            case "roles", "clusterroles" -> {
                if (allowed(user, "escalate", a.resource().plural(), ns, a.name())) {
                    return;
                }
                if (o.has("aggregationRule")) {
                    throw StatusError.forbiddenOn(GROUP, a.resource().plural(), a.name(),
                            "user \"" + user.name() + "\" must have cluster-admin privileges to use the aggregationRule");
                }
                List<PolicyRule> granted = new ArrayList<>();
                o.path("rules").forEach(r -> granted.add(PolicyRule.fromJson(r)));
                confirmNoEscalation(a, user, ns, granted);
            }
            case "rolebindings", "clusterrolebindings" -> {
                JsonNode ref = o.path("roleRef");
                String kind = ref.path("kind").asText();
                String roleResource = kind.equals("ClusterRole") ? "clusterroles" : "roles";
                String roleNamespace = kind.equals("ClusterRole") ? "" : ns;
                if (allowed(user, "bind", roleResource, roleNamespace, ref.path("name").asText())) {
                    return;
                }
                confirmNoEscalation(a, user, ns, rbac.rulesOfRole(kind, ns, ref.path("name").asText()));
            }
            default -> { }
        }
    }

    private boolean allowed(UserInfo user, String verb, String resource, String ns, String name) {
        return authorizer.allows(user, new RequestInfo(true, GROUP, "v1", ns, resource, name, "", verb, List.of()));
    }

    private void confirmNoEscalation(Attributes a, UserInfo user, String ns, List<PolicyRule> granted) {
        RuleResolver.Rules own = rules.rulesFor(user, ns);
        List<PolicyRule> owned = new ArrayList<>(own.resourceRules());
        owned.addAll(own.nonResourceRules());
        List<PolicyRule> uncovered = Coverage.uncovered(owned, granted);
        if (!uncovered.isEmpty()) {
            String groups = user.groups().stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(" ", "[", "]"));
            throw StatusError.forbiddenOn(GROUP, a.resource().plural(), a.name(), "user \"" + user.name() + "\" (groups=" + groups
                    + ") is attempting to grant RBAC permissions not currently held:\n"
                    + uncovered.stream().map(PolicyRule::toString).collect(Collectors.joining("\n")));
        }
    }
}
