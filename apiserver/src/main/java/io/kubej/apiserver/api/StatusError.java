package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An error that reaches the user as a {@code metav1.Status} with upstream's reason and code
 * (apimachinery's {@code api/errors}): clients such as kubectl and client-go branch on the
 * reason (AlreadyExists, Conflict, Expired, ...), so both must match upstream.
 */
public final class StatusError extends RuntimeException {
    /** One field problem of a 422 Invalid, as {@code details.causes[]}. */
    public record Cause(String reason, String field, String message) {
    }

    private final int code;
    private final String reason;
    private final ObjectNode details;

    public StatusError(int code, String reason, String message, ObjectNode details) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The Status object written to the client. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (details != null) {
            s.set("details", details);
        }
        s.put("code", code);
        return s;
    }

    /** "pods" or "replicasets.apps", as upstream names a resource in messages. */
    public static String qualified(String group, String resource) {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    private static ObjectNode details(String name, String group, String kind) {
        ObjectNode d = Json.object();
        if (name != null) {
            d.put("name", name);
        }
        d.put("group", group).put("kind", kind);
        return d;
    }

    public static StatusError notFound(String group, String resource, String name) {
        return new StatusError(404, "NotFound",
                qualified(group, resource) + " \"" + name + "\" not found", details(name, group, resource));
    }

    public static StatusError alreadyExists(String group, String resource, String name) {
        return new StatusError(409, "AlreadyExists",
                qualified(group, resource) + " \"" + name + "\" already exists", details(name, group, resource));
    }

    public static StatusError conflict(String group, String resource, String name, String why) {
        return new StatusError(409, "Conflict", "Operation cannot be fulfilled on "
                + qualified(group, resource) + " \"" + name + "\": " + why, details(name, group, resource));
    }

    /** The optimistic-concurrency conflict (api-conventions "Concurrency Control"). */
    public static StatusError staleResourceVersion(String group, String resource, String name) {
        return conflict(group, resource, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static StatusError invalid(String group, String kind, String name, List<Cause> causes) {
        ObjectNode d = details(name, group, kind);
        ArrayNode arr = d.putArray("causes");
        StringBuilder msg = new StringBuilder();
        for (Cause c : causes) {
            arr.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
            msg.append(msg.isEmpty() ? "" : ", ").append(c.field()).append(": ").append(c.message());
        }
        String all = causes.size() > 1 ? "[" + msg + "]" : msg.toString();
        // upstream names the kind with its group, e.g. ReplicaSet.apps (core kinds have none)
        String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
        return new StatusError(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + all, d);
    }

    public static StatusError badRequest(String message) {
        return new StatusError(400, "BadRequest", message, null);
    }

    public static StatusError unauthorized() {
        return new StatusError(401, "Unauthorized", "Unauthorized", null);
    }

    public static StatusError forbidden(String message) {
        return new StatusError(403, "Forbidden", message, null);
    }

    /** A refusal about one object, as admission words it: {@code pods "web" is forbidden: <why>}. */
    public static StatusError forbiddenOn(String group, String resource, String name, String why) {
        String what = name == null || name.isEmpty() ? qualified(group, resource) : qualified(group, resource) + " \"" + name + "\"";
        return new StatusError(403, "Forbidden", what + " is forbidden: " + why, details(name, group, resource));
    }

    /** A body over {@code --max-request-body-bytes}. */
    public static StatusError requestEntityTooLarge(long limit) {
        return new StatusError(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limit, null);
    }

    public static StatusError methodNotSupported(String resource, String verb) {
        return new StatusError(405, "MethodNotAllowed", verb + " is not supported on resources of kind \"" + resource + "\"", null);
    }

    /** What upstream answers for a method a (sub)resource has no route for. */
    public static StatusError methodNotAllowed() {
        return new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null);
    }

    /**
     * A resourceVersion newer than the store has (apimachinery's NewTooLargeResourceVersionError):
     * a Timeout the client retries after retryAfterSeconds, marked by the ResourceVersionTooLarge cause.
     */
    public static StatusError tooLargeResourceVersion(long requested, long current, int retryAfterSeconds) {
        ObjectNode d = Json.object();
        d.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge").put("message", "Too large resource version");
        d.put("retryAfterSeconds", retryAfterSeconds);
        return new StatusError(504, "Timeout", "Timeout: Too large resource version: " + requested + ", current: " + current, d);
    }

    public static StatusError expired(String message) {
        return new StatusError(410, "Expired", message, null);
    }

    public static StatusError unsupportedMediaType(String type) {
        return new StatusError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json", null);
    }

    public static StatusError internal(String message) {
        return new StatusError(500, "InternalError", "Internal error occurred: " + message, null);
    }

    public static StatusError pathNotFound() {
        return new StatusError(404, "NotFound", "the server could not find the requested resource", null);
    }
}
