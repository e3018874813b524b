package io.kubej.apiserver.registry.admissionregistration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults admissionregistration.k8s.io/v1 gives each webhook of a configuration (upstream
 * {@code pkg/apis/admissionregistration/v1/defaults.go}), so that a stored configuration says
 * everything the plugins need: fail closed, match equivalent versions, every namespace and
 * object, ten seconds, every scope, and (mutating) no reinvocation.
 */
final class WebhookDefaults {
    static final String FAILURE_POLICY = "Fail";
    static final String MATCH_POLICY = "Equivalent";
    static final int TIMEOUT_SECONDS = 10;
    static final String SCOPE = "*";
    static final String REINVOCATION_POLICY = "Never";
    static final int SERVICE_PORT = 443;

    private WebhookDefaults() {
    }

    static void apply(ObjectNode configuration, boolean mutating) {
        for (JsonNode w : configuration.path("webhooks")) {
            if (w instanceof ObjectNode webhook) {
                applyToWebhook(webhook, mutating);
            }
        }
    }

    private static void applyToWebhook(ObjectNode webhook, boolean mutating) {
        putIfAbsent(webhook, "failurePolicy", FAILURE_POLICY);
        putIfAbsent(webhook, "matchPolicy", MATCH_POLICY);
        // an empty selector selects everything; writing it out shows the reader that it does
        if (!webhook.hasNonNull("namespaceSelector")) {
            webhook.putObject("namespaceSelector");
        }
        if (!webhook.hasNonNull("objectSelector")) {
            webhook.putObject("objectSelector");
        }
        if (!webhook.hasNonNull("timeoutSeconds")) {
            webhook.put("timeoutSeconds", TIMEOUT_SECONDS);
        }
        if (mutating) {
            putIfAbsent(webhook, "reinvocationPolicy", REINVOCATION_POLICY);
        }
        for (JsonNode rule : webhook.path("rules")) {
            if (rule instanceof ObjectNode r) {
                putIfAbsent(r, "scope", SCOPE);
            }
        }
        if (webhook.path("clientConfig").path("service") instanceof ObjectNode service && !service.hasNonNull("port")) {
            service.put("port", SERVICE_PORT);
        }
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || o.path(field).asText().isEmpty()) {
            o.put(field, value);
        }
    }
}
