package io.kubej.apiserver.admission.webhook;

import io.kubej.apiserver.admission.webhook.Webhook.Rule;
import java.util.List;

/**
 * Whether a rule of a webhook covers a request (upstream {@code predicates/rules}): the
 * operation, API group, version and resource must each be listed (or {@code *}), and the
 * request's scope must be the rule's. A pure function, so the matching can be read and tested
 * on its own.
 */
public final class Rules {
    private Rules() {
    }

    /**
     * What a rule is compared with: a request, in the version a rule is tried against.
     *
     * @param subresource "" for the resource itself
     * @param namespaced  whether the resource lives in namespaces (a Namespace itself is cluster-scoped)
     */
    public record Request(String operation, String group, String version, String resource, String subresource,
                          boolean namespaced) {
    }

    public static boolean anyMatches(List<Rule> rules, Request request) {
        return rules.stream().anyMatch(r -> matches(r, request));
    }

    public static boolean matches(Rule rule, Request request) {
        return listed(rule.operations(), request.operation())
                && listed(rule.apiGroups(), request.group())
                && listed(rule.apiVersions(), request.version())
                && resourceListed(rule.resources(), request.resource(), request.subresource())
                && scopeMatches(rule.scope(), request.namespaced());
    }

    private static boolean listed(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }

    /**
     * An entry is {@code resource} or {@code resource/subresource}, either part {@code *}: so
     * {@code pods} is pods themselves, {@code pods/status} only their status, {@code pods/*}
     * pods and every subresource of them, {@code *} every resource but no subresource,
     * {@code *}{@code /scale} the scale of every resource, {@code *}{@code /*} everything.
     */
    private static boolean resourceListed(List<String> resources, String resource, String subresource) {
        for (String entry : resources) {
            int slash = entry.indexOf('/');
            String res = slash < 0 ? entry : entry.substring(0, slash);
            String sub = slash < 0 ? "" : entry.substring(slash + 1);
            if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
                return true;
            }
        }
        return false;
    }

    private static boolean scopeMatches(String scope, boolean namespaced) {
        return switch (scope) {
            case "Cluster" -> !namespaced;
            case "Namespaced" -> namespaced;
            default -> true;
        };
    }
}
