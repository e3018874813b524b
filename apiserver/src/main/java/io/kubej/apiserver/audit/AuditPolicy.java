package io.kubej.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --audit-policy-file} (audit.k8s.io/v1 Policy, upstream
 * {@code apiserver/pkg/audit/policy}): rules in order, the first whose users, groups, verbs,
 * resources, namespaces and non-resource URLs all match decides the level of a request's
 * events (None, Metadata, Request, RequestResponse) and which stages are left out. A request
 * no rule matches is not audited.
 */
public final class AuditPolicy {
    public enum Level { None, Metadata, Request, RequestResponse }

    /** One rule; an empty list matches everything. */
    record Rule(Level level, List<String> users, List<String> userGroups, List<String> verbs, List<GroupResources> resources,
                List<String> namespaces, List<String> nonResourceURLs, Set<String> omitStages) {
        boolean matches(UserInfo user, RequestInfo r) {
            if (!users.isEmpty() && !users.contains(user.name())) {
                return false;
            }
            if (!userGroups.isEmpty() && user.groups().stream().noneMatch(userGroups::contains)) {
                return false;
            }
            if (!verbs.isEmpty() && !verbs.contains(r.verb())) {
                return false;
            }
            if (r.resourceRequest()) {
                if (!nonResourceURLs.isEmpty() && resources.isEmpty()) {
                    return false;
                }
                if (!namespaces.isEmpty() && !namespaces.contains(r.namespace())) {
                    return false;
                }
                return resources.isEmpty() || resources.stream().anyMatch(g -> g.matches(r));
            }
            if (!resources.isEmpty() || !namespaces.isEmpty()) {
                return false;
            }
            String path = "/" + String.join("/", r.parts());
            return nonResourceURLs.isEmpty() || nonResourceURLs.stream().anyMatch(u -> u.equals(path)
                    || u.endsWith("*") && path.startsWith(u.substring(0, u.length() - 1)));
        }
    }

    /** {group, resources, resourceNames}: {@code resources} may name {@code pods/log} or {@code * /status}. */
    record GroupResources(String group, List<String> resources, List<String> resourceNames) {
        boolean matches(RequestInfo r) {
            if (!group.equals(r.group())) {
                return false;
            }
            if (!resourceNames.isEmpty() && !resourceNames.contains(r.name())) {
                return false;
            }
            if (resources.isEmpty()) {
                return true;
            }
            String combined = r.subresource().isEmpty() ? r.resource() : r.resource() + "/" + r.subresource();
            return resources.stream().anyMatch(x -> x.equals(combined) || x.equals("*")
                    || x.equals(r.resource() + "/*") && !r.subresource().isEmpty()
                    || x.equals("*/" + r.subresource()) && !r.subresource().isEmpty());
        }
    }

    /** What the policy says for one request. */
    public record Decision(Level level, Set<String> omitStages) {
        public static final Decision NONE = new Decision(Level.None, Set.of());
    }

    private final List<Rule> rules;
    private final Set<String> omitStages;

    AuditPolicy(List<Rule> rules, Set<String> omitStages) {
        this.rules = List.copyOf(rules);
        this.omitStages = Set.copyOf(omitStages);
    }

    public Decision decide(UserInfo user, RequestInfo request) {
        for (Rule r : rules) {
            if (r.matches(user, request)) {
                Set<String> omit = new java.util.HashSet<>(omitStages);
                omit.addAll(r.omitStages());
                return new Decision(r.level(), omit);
            }
        }
        return Decision.NONE;
    }

    /** Reads a Policy file; a file that does not parse is an error naming it, as upstream refuses to start. */
    public static AuditPolicy load(Path file) throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (doc == null || !"Policy".equals(doc.path("kind").asText())) {
            throw new IOException(file + ": not an audit.k8s.io/v1 Policy (kind: " + (doc == null ? "none" : doc.path("kind").asText()) + ")");
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode r : doc.path("rules")) {
            Level level;
            try {
                level = Level.valueOf(r.path("level").asText());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": rules[" + i + "].level: \"" + r.path("level").asText()
                        + "\" is not one of None, Metadata, Request, RequestResponse");
            }
            List<GroupResources> resources = new ArrayList<>();
            for (JsonNode g : r.path("resources")) {
                resources.add(new GroupResources(g.path("group").asText(""), strings(g.path("resources")), strings(g.path("resourceNames"))));
            }
            rules.add(new Rule(level, strings(r.path("users")), strings(r.path("userGroups")), strings(r.path("verbs")), resources,
                    strings(r.path("namespaces")), strings(r.path("nonResourceURLs")), Set.copyOf(strings(r.path("omitStages")))));
            i++;
        }
        return new AuditPolicy(rules, Set.copyOf(strings(doc.path("omitStages"))));
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(v -> out.add(v.asText()));
        return out;
    }
}
