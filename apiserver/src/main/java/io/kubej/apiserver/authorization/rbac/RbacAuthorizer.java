package io.kubej.apiserver.authorization.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --authorization-mode=RBAC} (upstream {@code plugin/pkg/auth/authorizer/rbac}): a user
 * may do what a rule of a role bound to them allows. ClusterRoleBindings grant their
 * ClusterRole everywhere; a RoleBinding grants its Role or ClusterRole inside its own
 * namespace only. Nothing denies: without a matching rule RBAC has no opinion, and the
 * request is refused only if no other mode allows it.
 *
 * <p>Requests are answered from an index kept in memory (never an etcd read per request):
 * for each subject (a user, a group, a service account, which is the user
 * {@code system:serviceaccount:<ns>:<name>}) the rules granted to it, cluster-wide and per
 * namespace. The index is rebuilt from the four informers when any of them changed, so a
 * removed binding stops counting as soon as its watch event arrives. A ClusterRole with an
 * {@code aggregationRule} counts the rules of every ClusterRole its selectors match, as
 * upstream's aggregation controller would have written into it.
 */
public final class RbacAuthorizer implements Authorizer, RuleResolver {
    private final ObjectSource roles;
    private final ObjectSource roleBindings;
    private final ObjectSource clusterRoles;
    private final ObjectSource clusterRoleBindings;
    private volatile Index index = new Index(-1, Map.of(), Map.of(), Map.of());

    public RbacAuthorizer(ObjectSource roles, ObjectSource roleBindings, ObjectSource clusterRoles, ObjectSource clusterRoleBindings) {
        this.roles = roles;
        this.roleBindings = roleBindings;
        this.clusterRoles = clusterRoles;
        this.clusterRoleBindings = clusterRoleBindings;
    }

    /**
     * Rules granted per subject key ({@code User:<name>} or {@code Group:<name>}): cluster-wide, and per namespace;
     * and each ClusterRole's rules, aggregation resolved.
     */
    private record Index(long generation, Map<String, List<PolicyRule>> cluster, Map<String, Map<String, List<PolicyRule>>> namespaced,
                         Map<String, List<PolicyRule>> clusterRoleRules) {
    }

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        Index idx = current();
        List<String> subjects = subjectKeys(user);
        if (anyMatches(idx.cluster(), subjects, request)) {
            return Decision.ALLOW;
        }
        if (request.resourceRequest() && !request.namespace().isEmpty()) {
            Map<String, List<PolicyRule>> inNamespace = idx.namespaced().get(request.namespace());
            if (inNamespace != null && anyMatches(inNamespace, subjects, request)) {
                return Decision.ALLOW;
            }
        }
        return Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        Index idx = current();
        Set<PolicyRule> resourceRules = new LinkedHashSet<>();
        Set<PolicyRule> nonResourceRules = new LinkedHashSet<>();
        List<Map<String, List<PolicyRule>>> scopes = new ArrayList<>();
        scopes.add(idx.cluster());
        if (namespace != null && !namespace.isEmpty() && idx.namespaced().containsKey(namespace)) {
            scopes.add(idx.namespaced().get(namespace));
        }
        for (Map<String, List<PolicyRule>> scope : scopes) {
            for (String s : subjectKeys(user)) {
                for (PolicyRule r : scope.getOrDefault(s, List.of())) {
                    (r.isNonResource() ? nonResourceRules : resourceRules).add(r);
                }
            }
        }
        return new Rules(List.copyOf(resourceRules), List.copyOf(nonResourceRules), false);
    }

    /** The rules a binding's roleRef grants: a Role of {@code namespace}, or a ClusterRole with its aggregation resolved. */
    public List<PolicyRule> rulesOfRole(String kind, String namespace, String name) {
        if (kind.equals("ClusterRole")) {
            return current().clusterRoleRules().getOrDefault(name, List.of());
        }
        return roles.get(namespace, name).map(RbacAuthorizer::rulesOf).orElse(List.of());
    }

    private static boolean anyMatches(Map<String, List<PolicyRule>> grants, List<String> subjects, RequestInfo request) {
        for (String s : subjects) {
            List<PolicyRule> rules = grants.get(s);
            if (rules != null) {
                for (PolicyRule r : rules) {
                    if (r.matches(request)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> subjectKeys(UserInfo user) {
        List<String> keys = new ArrayList<>(1 + user.groups().size());
        keys.add("User:" + user.name());
        user.groups().forEach(g -> keys.add("Group:" + g));
        return keys;
    }

    private Index current() {
        long generation = roles.generation() + roleBindings.generation() + clusterRoles.generation() + clusterRoleBindings.generation();
        Index idx = index;
        if (idx.generation() != generation) {
            synchronized (this) {
                idx = index;
                if (idx.generation() != generation) {
                    idx = build(generation);
                    index = idx;
                }
            }
        }
        return idx;
    }

    private Index build(long generation) {
        Map<String, List<PolicyRule>> clusterRoleRules = clusterRoleRules(clusterRoles.list());
        Map<String, List<PolicyRule>> cluster = new HashMap<>();
        for (ObjectNode b : clusterRoleBindings.list()) {
            List<PolicyRule> rules = clusterRoleRules.get(b.path("roleRef").path("name").asText());
            if (rules != null && b.path("roleRef").path("kind").asText().equals("ClusterRole")) {
                grant(cluster, b, rules);
            }
        }
        Map<String, Map<String, List<PolicyRule>>> namespaced = new HashMap<>();
        for (ObjectNode b : roleBindings.list()) {
            String ns = b.path("metadata").path("namespace").asText();
            JsonNode ref = b.path("roleRef");
            List<PolicyRule> rules = switch (ref.path("kind").asText()) {
                case "ClusterRole" -> clusterRoleRules.get(ref.path("name").asText());
                case "Role" -> roles.get(ns, ref.path("name").asText()).map(r -> rulesOf(r)).orElse(null);
                default -> null;
            };
            if (rules != null) {
                grant(namespaced.computeIfAbsent(ns, k -> new HashMap<>()), b, rules);
            }
        }
        return new Index(generation, cluster, namespaced, clusterRoleRules);
    }

    private static void grant(Map<String, List<PolicyRule>> grants, ObjectNode binding, List<PolicyRule> rules) {
        String bindingNamespace = binding.path("metadata").path("namespace").asText("");
        for (JsonNode s : binding.path("subjects")) {
            String key = switch (s.path("kind").asText()) {
                case "User" -> "User:" + s.path("name").asText();
                case "Group" -> "Group:" + s.path("name").asText();
                case "ServiceAccount" -> "User:system:serviceaccount:"
                        + s.path("namespace").asText(bindingNamespace) + ":" + s.path("name").asText();
                default -> null;
            };
            if (key != null) {
                grants.computeIfAbsent(key, k -> new ArrayList<>()).addAll(rules);
            }
        }
    }

    /** Every ClusterRole's rules, aggregation resolved (an aggregated role may select other aggregated roles). */
    static Map<String, List<PolicyRule>> clusterRoleRules(Collection<ObjectNode> clusterRoles) {
        Map<String, ObjectNode> byName = new HashMap<>();
        clusterRoles.forEach(r -> byName.put(r.path("metadata").path("name").asText(), r));
        Map<String, List<PolicyRule>> out = new HashMap<>();
        for (String name : byName.keySet()) {
            out.put(name, effectiveRules(name, byName, new HashSet<>()));
        }
        return out;
    }

    private static List<PolicyRule> effectiveRules(String name, Map<String, ObjectNode> byName, Set<String> visiting) {
        ObjectNode role = byName.get(name);
        if (role == null || !visiting.add(name)) {
            return List.of();
        }
        Set<PolicyRule> rules = new LinkedHashSet<>(rulesOf(role));
        JsonNode selectors = role.path("aggregationRule").path("clusterRoleSelectors");
        for (JsonNode selector : selectors) {
            LabelSelector s = LabelSelector.parse(ReplicaSetStrategy.selectorString(selector));
            for (ObjectNode other : byName.values()) {
                String otherName = other.path("metadata").path("name").asText();
                if (!otherName.equals(name) && s.matches(other.path("metadata").path("labels"))) {
                    rules.addAll(effectiveRules(otherName, byName, visiting));
                }
            }
        }
        visiting.remove(name);
        return List.copyOf(rules);
    }

    static List<PolicyRule> rulesOf(ObjectNode role) {
        List<PolicyRule> rules = new ArrayList<>();
        role.path("rules").forEach(r -> rules.add(PolicyRule.fromJson(r)));
        return rules;
    }
}
