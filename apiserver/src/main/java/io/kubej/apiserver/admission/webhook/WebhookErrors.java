package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;

/**
 * The errors a client sees from webhooks, in upstream's words (upstream
 * {@code webhook/errors}): a refusal keeps the webhook's own code (403 when it gives none),
 * reason and message, prefixed so the user knows which webhook said no; a webhook that could
 * not be called while failing closed is a 500.
 */
public final class WebhookErrors {
    private WebhookErrors() {
    }

    /**
     * {@code configmaps "app" is forbidden: admission webhook "deny.example.com" denied the request: <message>}.
     *
     * @param status the webhook's response.status, or null
     */
    public static StatusError denied(Attributes a, String webhook, JsonNode status) {
        JsonNode s = status == null ? Json.object() : status;
        int code = s.path("code").asInt(0) == 0 ? 403 : s.path("code").asInt();
        String message = s.path("message").asText("");
        String reason = s.path("reason").asText("");
        String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
        String why = !message.isEmpty() ? deniedBy + ": " + message
                : !reason.isEmpty() ? deniedBy + ": " + reason
                : deniedBy + " without explanation";
        String name = a.name() == null || a.name().isEmpty() ? "Unknown" : a.name();
        boolean internal = code == 500;
        String prefix = internal ? "Internal error occurred"
                : StatusError.qualified(a.resource().group(), a.resource().plural()) + " \"" + name + "\" is forbidden";
        ObjectNode details;
        if (s.path("details").isObject()) {
            details = (ObjectNode) s.get("details").deepCopy();
        } else if (internal) {
            details = Json.object();
            details.putArray("causes").addObject().put("message", why);
        } else {
            // as a Forbidden error says it: the resource's plural under "kind"
            details = Json.object().put("name", name).put("group", a.resource().group()).put("kind", a.resource().plural());
        }
        if (reason.isEmpty()) {
            reason = internal ? "InternalError" : "Forbidden";
        }
        return new StatusError(code, reason, prefix + ": " + why, details);
    }

    /** failurePolicy Fail: the request fails as upstream's NewInternalError of the call's error. */
    public static StatusError failedClosed(WebhookCallFailure failure) {
        ObjectNode details = Json.object();
        details.putArray("causes").addObject().put("message", failure.getMessage());
        return new StatusError(500, "InternalError", "Internal error occurred: " + failure.getMessage(), details);
    }
}
