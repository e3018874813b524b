package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * admission.k8s.io/v1 AdmissionReview, the body of a webhook call (the admission/v1 API
 * reference): kubej posts a review with a {@code request} (what is asked, by whom, the object
 * and old object) and reads back the {@code response} (allowed or not, a status, for mutating
 * webhooks a JSON patch, warnings). A response that does not answer this request is the
 * webhook's failure, handled by its failurePolicy.
 */
public final class AdmissionReview {
    static final String API_VERSION = "admission.k8s.io/v1";
    static final String KIND = "AdmissionReview";
    static final String JSON_PATCH = "JSONPatch";

    private AdmissionReview() {
    }

    /**
     * What a webhook answered.
     *
     * @param status the metav1.Status of a refusal (message, reason, code), or null
     * @param patch  the decoded JSON patch a mutating webhook asks for, or null
     */
    public record Response(boolean allowed, JsonNode status, JsonNode patch, List<String> warnings) {
    }

    /** A webhook's answer that kubej cannot use (upstream: "received invalid webhook response"). */
    static final class InvalidResponse extends Exception {
        InvalidResponse(String message) {
            super(message);
        }
    }

    /**
     * The review for one invocation. {@code kind} and {@code resource} are in the version the
     * webhook's rules matched; {@code requestKind} and {@code requestResource} are what the
     * client asked for (they differ only under matchPolicy Equivalent).
     */
    static ObjectNode request(String uid, Invocation invocation, Attributes a, ObjectNode object, ObjectNode oldObject) {
        ObjectNode review = Json.object().put("apiVersion", API_VERSION).put("kind", KIND);
        ObjectNode req = review.putObject("request").put("uid", uid);
        String sub = a.subresource() == null ? "" : a.subresource();
        req.set("kind", kind(invocation.resource(), sub));
        req.set("resource", resource(invocation.resource()));
        if (!sub.isEmpty()) {
            req.put("subResource", sub);
        }
        req.set("requestKind", kind(a.resource(), sub));
        req.set("requestResource", resource(a.resource()));
        if (!sub.isEmpty()) {
            req.put("requestSubResource", sub);
        }
        req.put("name", a.name() == null ? "" : a.name());
        if (a.namespace() != null && !a.namespace().isEmpty()) {
            req.put("namespace", a.namespace());
        }
        req.put("operation", a.operation());
        req.set("userInfo", a.user() == null ? Json.object() : a.user().toJson());
        if (object != null) {
            req.set("object", invocation.toVersion(object));
        }
        if (oldObject != null) {
            req.set("oldObject", invocation.toVersion(oldObject));
        }
        req.put("dryRun", a.dryRun());
        req.set("options", options(a));
        return review;
    }

    /** The kind a (sub)resource speaks: a subresource may have its own (Scale is autoscaling/v1). */
    private static ObjectNode kind(Resource r, String subresource) {
        String kind = r.kind();
        String groupVersion = r.groupVersion();
        if (!subresource.isEmpty()) {
            Subresource s = r.subresource(subresource).orElse(null);
            if (s != null && s.kind() != null) {
                kind = s.kind();
            }
            if (s != null && s.groupVersion() != null) {
                groupVersion = s.groupVersion();
            }
        }
        int slash = groupVersion.indexOf('/');
        return Json.object().put("group", slash < 0 ? "" : groupVersion.substring(0, slash))
                .put("version", groupVersion.substring(slash + 1)).put("kind", kind);
    }

    private static ObjectNode resource(Resource r) {
        return Json.object().put("group", r.group()).put("version", r.version()).put("resource", r.plural());
    }

    /** The operation's options as meta.k8s.io/v1 (CreateOptions, UpdateOptions, DeleteOptions); kubej keeps only dryRun. */
    private static ObjectNode options(Attributes a) {
        String kind = switch (a.operation()) {
            case "CREATE" -> "CreateOptions";
            case "UPDATE" -> "UpdateOptions";
            case "DELETE" -> "DeleteOptions";
            default -> "ConnectOptions";
        };
        ObjectNode o = Json.object().put("apiVersion", "meta.k8s.io/v1").put("kind", kind);
        if (a.dryRun()) {
            o.putArray("dryRun").add("All");
        }
        return o;
    }

    /** Checks that {@code review} answers the request {@code uid} and reads it. */
    static Response response(JsonNode review, String uid, boolean mutating) throws InvalidResponse {
        if (!API_VERSION.equals(review.path("apiVersion").asText()) || !KIND.equals(review.path("kind").asText())) {
            throw new InvalidResponse("expected webhook response of " + API_VERSION + ", Kind=" + KIND + ", got "
                    + review.path("apiVersion").asText() + ", Kind=" + review.path("kind").asText());
        }
        JsonNode response = review.path("response");
        if (!response.isObject()) {
            throw new InvalidResponse("webhook response was absent");
        }
        if (!uid.equals(response.path("uid").asText())) {
            throw new InvalidResponse("expected response.uid=\"" + uid + "\", got \"" + response.path("uid").asText() + "\"");
        }
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(w -> warnings.add(w.asText()));
        JsonNode status = response.path("status").isObject() ? response.get("status") : null;
        return new Response(response.path("allowed").asBoolean(false), status, patch(response, mutating), List.copyOf(warnings));
    }

    /** response.patch is a base64 JSON patch, and only a mutating webhook may send one, saying patchType JSONPatch. */
    private static JsonNode patch(JsonNode response, boolean mutating) throws InvalidResponse {
        String encoded = response.path("patch").asText("");
        String type = response.path("patchType").asText("");
        if (encoded.isEmpty()) {
            return null;
        }
        if (!mutating) {
            throw new InvalidResponse("validating webhook may not return response.patch");
        }
        if (type.isEmpty()) {
            throw new InvalidResponse("webhook returned response.patch but not response.patchType");
        }
        if (!type.equals(JSON_PATCH)) {
            throw new InvalidResponse("webhook returned invalid response.patchType of \"" + type + "\"");
        }
        try {
            JsonNode patch = Json.MAPPER.readTree(Base64.getDecoder().decode(encoded));
            if (patch == null || !patch.isArray()) {
                throw new InvalidResponse("response.patch is not a JSON patch (an array of operations)");
            }
            return patch;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new InvalidResponse("received undecodable patch in webhook response: " + e.getMessage());
        }
    }
}
