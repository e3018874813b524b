package io.kubej.apiserver.registry.admissionregistration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a Mutating- or ValidatingWebhookConfiguration must say before it is stored (upstream
 * {@code pkg/apis/admissionregistration/validation}): each webhook has a unique, fully
 * qualified name, speaks AdmissionReview v1, declares it has no side effects, and says how to
 * reach it (an https URL or a Service, never both); its rules and selectors are well formed.
 * Runs after {@link WebhookDefaults}, so defaulted fields are present.
 */
final class WebhookValidation {
    static final List<String> OPERATIONS = List.of("CREATE", "UPDATE", "DELETE", "CONNECT", "*");
    static final List<String> SCOPES = List.of("Cluster", "Namespaced", "*");
    static final List<String> SIDE_EFFECTS = List.of("None", "NoneOnDryRun");
    static final List<String> FAILURE_POLICIES = List.of("Ignore", "Fail");
    static final List<String> MATCH_POLICIES = List.of("Exact", "Equivalent");
    static final List<String> REINVOCATION_POLICIES = List.of("Never", "IfNeeded");
    static final List<String> SELECTOR_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
    /** The only AdmissionReview version kubej sends. */
    static final String REVIEW_VERSION = "v1";

    private WebhookValidation() {
    }

    static List<Cause> validate(ObjectNode configuration, boolean mutating) {
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode webhooks = configuration.path("webhooks");
        for (int i = 0; i < webhooks.size(); i++) {
            String field = "webhooks[" + i + "]";
            JsonNode w = webhooks.get(i);
            String name = w.path("name").asText("");
            causes.addAll(fullyQualifiedName(field + ".name", name));
            if (!name.isEmpty() && !names.add(name)) {
                causes.add(Validation.duplicate(field + ".name", name));
            }
            causes.addAll(webhook(w, field, mutating));
        }
        return causes;
    }

    private static List<Cause> webhook(JsonNode w, String field, boolean mutating) {
        List<Cause> causes = new ArrayList<>(reviewVersions(w.path("admissionReviewVersions"), field + ".admissionReviewVersions"));
        JsonNode rules = w.path("rules");
        for (int j = 0; j < rules.size(); j++) {
            causes.addAll(rule(rules.get(j), field + ".rules[" + j + "]"));
        }
        causes.addAll(supported(w, "failurePolicy", field, FAILURE_POLICIES));
        causes.addAll(supported(w, "matchPolicy", field, MATCH_POLICIES));
        if (mutating) {
            causes.addAll(supported(w, "reinvocationPolicy", field, REINVOCATION_POLICIES));
        }
        String sideEffects = w.path("sideEffects").asText("");
        if (sideEffects.isEmpty()) {
            causes.add(new Cause("FieldValueRequired", field + ".sideEffects",
                    "Required value: must specify one of " + String.join(", ", SIDE_EFFECTS)));
        } else if (!SIDE_EFFECTS.contains(sideEffects)) {
            causes.add(Validation.notSupported(field + ".sideEffects", sideEffects, SIDE_EFFECTS));
        }
        int timeout = w.path("timeoutSeconds").asInt(WebhookDefaults.TIMEOUT_SECONDS);
        if (timeout < 1 || timeout > 30) {
            causes.add(Validation.invalid(field + ".timeoutSeconds", timeout, "the timeout value must be between 1 and 30 seconds"));
        }
        causes.addAll(labelSelector(w.path("namespaceSelector"), field + ".namespaceSelector"));
        causes.addAll(labelSelector(w.path("objectSelector"), field + ".objectSelector"));
        if (!w.path("matchConditions").isEmpty()) {
            // principle 11: a field kubej cannot honour is refused, never ignored
            causes.add(Validation.forbidden(field + ".matchConditions", "kubej does not evaluate CEL match conditions"));
        }
        causes.addAll(clientConfig(w.path("clientConfig"), field + ".clientConfig"));
        return causes;
    }

    /** Upstream's "fully qualified name": a DNS subdomain of at least three segments (imagepolicy.kubernetes.io). */
    static List<Cause> fullyQualifiedName(String field, String name) {
        if (name.isEmpty()) {
            return List.of(Validation.required(field));
        }
        String problem = Validation.nameProblem(name, Validation.NameRule.DNS1123_SUBDOMAIN);
        if (problem != null) {
            return List.of(Validation.invalid(field, name, problem));
        }
        if (name.split("\\.", -1).length < 3) {
            return List.of(Validation.invalid(field, name, "should be a domain with at least three segments separated by dots"));
        }
        return List.of();
    }

    private static List<Cause> reviewVersions(JsonNode versions, String field) {
        List<String> listed = new ArrayList<>();
        versions.forEach(v -> listed.add(v.asText()));
        if (listed.isEmpty()) {
            return List.of(new Cause("FieldValueRequired", field, "Required value: must specify one of " + REVIEW_VERSION));
        }
        if (!listed.contains(REVIEW_VERSION)) {
            return List.of(Validation.invalid(field, String.join(",", listed),
                    "must include " + REVIEW_VERSION + ", the only AdmissionReview version kubej sends"));
        }
        return List.of();
    }

    private static List<Cause> rule(JsonNode rule, String field) {
        List<Cause> causes = new ArrayList<>();
        List<String> operations = strings(rule.path("operations"));
        causes.addAll(nonEmptyWithLoneWildcard(operations, field + ".operations", "operations"));
        for (int k = 0; k < operations.size(); k++) {
            if (!OPERATIONS.contains(operations.get(k))) {
                causes.add(Validation.notSupported(field + ".operations[" + k + "]", operations.get(k), OPERATIONS));
            }
        }
        // apiGroups may hold "" (the core group); apiVersions may not
        causes.addAll(nonEmptyWithLoneWildcard(strings(rule.path("apiGroups")), field + ".apiGroups", "API groups"));
        List<String> versions = strings(rule.path("apiVersions"));
        causes.addAll(nonEmptyWithLoneWildcard(versions, field + ".apiVersions", "API versions"));
        for (int k = 0; k < versions.size(); k++) {
            if (versions.get(k).isEmpty()) {
                causes.add(Validation.required(field + ".apiVersions[" + k + "]"));
            }
        }
        causes.addAll(resources(strings(rule.path("resources")), field + ".resources"));
        String scope = rule.path("scope").asText(WebhookDefaults.SCOPE);
        if (!SCOPES.contains(scope)) {
            causes.add(Validation.notSupported(field + ".scope", scope, SCOPES));
        }
        return causes;
    }

    private static List<Cause> nonEmptyWithLoneWildcard(List<String> values, String field, String what) {
        if (values.isEmpty()) {
            return List.of(Validation.required(field));
        }
        if (values.contains("*") && values.size() > 1) {
            return List.of(Validation.invalid(field, String.join(",", values), "if '*' is present, must not specify other " + what));
        }
        return List.of();
    }

    /**
     * {@code pods}, {@code pods/status}, {@code pods/*} (pods and every subresource of them),
     * {@code *} (every resource, no subresources), {@code *}{@code /scale}, {@code *}{@code /*}
     * (everything): an entry may not overlap a wildcard entry next to it.
     */
    private static List<Cause> resources(List<String> resources, String field) {
        if (resources.isEmpty()) {
            return List.of(Validation.required(field));
        }
        List<Cause> causes = new ArrayList<>();
        Set<String> wildcardSubresourceOf = new HashSet<>(); // "pods" for "pods/*"
        Set<String> wildcardResourceFor = new HashSet<>(); // "scale" for "*/scale"
        for (String r : resources) {
            String[] parts = r.split("/", 2);
            if (parts.length == 2 && parts[1].equals("*")) {
                wildcardSubresourceOf.add(parts[0]);
            }
            if (parts.length == 2 && parts[0].equals("*")) {
                wildcardResourceFor.add(parts[1]);
            }
        }
        for (int k = 0; k < resources.size(); k++) {
            String r = resources.get(k);
            String f = field + "[" + k + "]";
            if (r.isEmpty()) {
                causes.add(Validation.required(f));
                continue;
            }
            String[] parts = r.split("/", 2);
            String resource = parts[0];
            String sub = parts.length == 2 ? parts[1] : "";
            if (r.equals("*/*") && resources.size() > 1) {
                causes.add(Validation.invalid(f, r, "if '*/*' is present, must not specify other resources"));
            } else if (r.equals("*") && resources.stream().anyMatch(o -> !o.equals("*") && !o.contains("/"))) {
                causes.add(Validation.invalid(f, r, "if '*' is present, must not specify other resources without subresources"));
            } else if (!sub.isEmpty() && !sub.equals("*") && wildcardSubresourceOf.contains(resource)) {
                causes.add(Validation.invalid(f, r, "if '" + resource + "/*' is present, must not specify " + r));
            } else if (!sub.isEmpty() && !resource.equals("*") && wildcardResourceFor.contains(sub)) {
                causes.add(Validation.invalid(f, r, "if '*/" + sub + "' is present, must not specify " + r));
            }
        }
        return causes;
    }

    /** A metav1.LabelSelector: valid keys and values, known operators, values exactly when the operator needs them. */
    static List<Cause> labelSelector(JsonNode selector, String field) {
        List<Cause> causes = new ArrayList<>(Validation.validateLabels(selector.get("matchLabels"), field + ".matchLabels"));
        JsonNode expressions = selector.path("matchExpressions");
        for (int k = 0; k < expressions.size(); k++) {
            JsonNode e = expressions.get(k);
            String f = field + ".matchExpressions[" + k + "]";
            String key = e.path("key").asText("");
            String keyProblem = key.isEmpty() ? null : Validation.qualifiedNameProblem(key);
            if (key.isEmpty()) {
                causes.add(Validation.required(f + ".key"));
            } else if (keyProblem != null) {
                causes.add(Validation.invalid(f + ".key", key, keyProblem));
            }
            String operator = e.path("operator").asText("");
            boolean hasValues = !e.path("values").isEmpty();
            switch (operator) {
                case "In", "NotIn" -> {
                    if (!hasValues) {
                        causes.add(new Cause("FieldValueRequired", f + ".values",
                                "Required value: must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (hasValues) {
                        causes.add(Validation.forbidden(f + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> causes.add(Validation.notSupported(f + ".operator", operator, SELECTOR_OPERATORS));
            }
        }
        return causes;
    }

    /** Exactly one of an https URL and a Service, and a caBundle that is base64. */
    private static List<Cause> clientConfig(JsonNode config, String field) {
        List<Cause> causes = new ArrayList<>();
        boolean hasUrl = config.hasNonNull("url");
        boolean hasService = config.hasNonNull("service");
        if (hasUrl == hasService) {
            causes.add(new Cause("FieldValueRequired", field, "Required value: exactly one of url or service is required"));
        } else if (hasUrl) {
            causes.addAll(url(config.path("url").asText(), field + ".url"));
        } else {
            causes.addAll(service(config.path("service"), field + ".service"));
        }
        if (config.hasNonNull("caBundle")) {
            try {
                Base64.getDecoder().decode(config.path("caBundle").asText());
            } catch (IllegalArgumentException e) {
                causes.add(Validation.invalid(field + ".caBundle", "<bytes>", "must be base64-encoded PEM certificates"));
            }
        }
        return causes;
    }

    private static List<Cause> url(String url, String field) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return List.of(Validation.invalid(field, url, "must be a valid URL: " + e.getReason()));
        }
        List<Cause> causes = new ArrayList<>();
        if (!"https".equals(u.getScheme())) {
            causes.add(Validation.invalid(field, url, "'https' is the only allowed URL scheme"));
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            causes.add(Validation.invalid(field, url, "host must be specified"));
        }
        if (u.getRawUserInfo() != null) {
            causes.add(Validation.invalid(field, url, "user information is not permitted in the URL"));
        }
        if (u.getRawFragment() != null) {
            causes.add(Validation.invalid(field, url, "fragments are not permitted in the URL"));
        }
        if (u.getRawQuery() != null) {
            causes.add(Validation.invalid(field, url, "query parameters are not permitted in the URL"));
        }
        return causes;
    }

    private static List<Cause> service(JsonNode service, String field) {
        List<Cause> causes = new ArrayList<>();
        if (service.path("namespace").asText("").isEmpty()) {
            causes.add(Validation.required(field + ".namespace"));
        }
        if (service.path("name").asText("").isEmpty()) {
            causes.add(Validation.required(field + ".name"));
        }
        String path = service.path("path").asText("");
        if (!path.isEmpty() && !path.startsWith("/")) {
            causes.add(Validation.invalid(field + ".path", path, "must start with a '/'"));
        }
        int port = service.path("port").asInt(WebhookDefaults.SERVICE_PORT);
        if (port < 1 || port > 65535) {
            causes.add(Validation.invalid(field + ".port", port, "port is not valid: must be between 1 and 65535, inclusive"));
        }
        return causes;
    }

    private static List<Cause> supported(JsonNode w, String name, String field, List<String> allowed) {
        String v = w.path(name).asText("");
        return v.isEmpty() || allowed.contains(v) ? List.of() : List.of(Validation.notSupported(field + "." + name, v, allowed));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
