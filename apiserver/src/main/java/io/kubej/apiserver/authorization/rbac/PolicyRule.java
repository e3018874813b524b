package io.kubej.apiserver.authorization.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One rule of a Role or ClusterRole (rbac/v1 PolicyRule), and whether it covers a request
 * (upstream {@code pkg/apis/rbac/v1/evaluation_helpers.go}). For a resource request every
 * list must match: the verb, the API group, the resource (as {@code pods}, or
 * {@code pods/log} for a subresource, {@code *} for all and {@code * /log} for one
 * subresource of any resource) and, if the rule names any, the object's name. For a
 * non-resource request (a path such as {@code /healthz}) the verb and one of the rule's URLs,
 * which may end in {@code *} to cover a subtree.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
                         List<String> nonResourceURLs) {
    public static final String ALL = "*";

    public PolicyRule {
        verbs = List.copyOf(verbs);
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        resourceNames = List.copyOf(resourceNames);
        nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    public static PolicyRule resources(List<String> apiGroups, List<String> resources, List<String> verbs) {
        return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
    }

    public static PolicyRule urls(List<String> urls, List<String> verbs) {
        return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
    }

    public PolicyRule withNames(String... names) {
        return new PolicyRule(verbs, apiGroups, resources, List.of(names), nonResourceURLs);
    }

    public boolean matches(RequestInfo r) {
        if (!r.resourceRequest()) {
            return matchesVerb(r.verb()) && matchesUrl(path(r));
        }
        return matchesVerb(r.verb()) && matchesGroup(r.group()) && matchesResource(r.resource(), r.subresource())
                && matchesName(r.name());
    }

    boolean matchesVerb(String verb) {
        return verbs.contains(ALL) || verbs.contains(verb);
    }

    boolean matchesGroup(String group) {
        return apiGroups.contains(ALL) || apiGroups.contains(group);
    }

    boolean matchesResource(String resource, String subresource) {
        String combined = subresource == null || subresource.isEmpty() ? resource : resource + "/" + subresource;
        for (String rule : resources) {
            if (rule.equals(ALL) || rule.equals(combined)) {
                return true;
            }
            if (!combined.equals(resource) && rule.equals("*/" + subresource)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesName(String name) {
        return resourceNames.isEmpty() || resourceNames.contains(name);
    }

    boolean matchesUrl(String path) {
        for (String url : nonResourceURLs) {
            if (url.equals(ALL) || url.equals(path)) {
                return true;
            }
            if (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /** The path of a non-resource request, as its rules name it ({@code /healthz}, {@code /api}). */
    public static String path(RequestInfo r) {
        return "/" + String.join("/", r.parts());
    }

    public boolean isNonResource() {
        return !nonResourceURLs.isEmpty();
    }

    public static PolicyRule fromJson(JsonNode rule) {
        return new PolicyRule(strings(rule.path("verbs")), strings(rule.path("apiGroups")), strings(rule.path("resources")),
                strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")));
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        put(o, "verbs", verbs, true);
        put(o, "apiGroups", apiGroups, !isNonResource());
        put(o, "resources", resources, !isNonResource());
        put(o, "resourceNames", resourceNames, false);
        put(o, "nonResourceURLs", nonResourceURLs, false);
        return o;
    }

    private static void put(ObjectNode o, String field, List<String> values, boolean always) {
        if (always || !values.isEmpty()) {
            var arr = o.putArray(field);
            values.forEach(arr::add);
        }
    }

    static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** Upstream's compact rendering in escalation errors: {@code {APIGroups:[""], Resources:["pods"], Verbs:["get"]}}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        if (!apiGroups.isEmpty()) {
            b.append("APIGroups:").append(quoted(apiGroups)).append(", ");
        }
        if (!resources.isEmpty()) {
            b.append("Resources:").append(quoted(resources)).append(", ");
        }
        if (!resourceNames.isEmpty()) {
            b.append("ResourceNames:").append(quoted(resourceNames)).append(", ");
        }
        if (!nonResourceURLs.isEmpty()) {
            b.append("NonResourceURLs:").append(quoted(nonResourceURLs)).append(", ");
        }
        b.append("Verbs:").append(quoted(verbs)).append("}");
        return b.toString();
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(" ", "[", "]"));
    }
}
