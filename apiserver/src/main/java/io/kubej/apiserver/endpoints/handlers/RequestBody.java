package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtobufBody;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.Resource;
import java.io.IOException;
import java.util.List;

/**
 * The decode step of create and update (upstream {@code endpoints/handlers/create.go} with the
 * serializer and KEP-2885 field validation): the body becomes this resource's object, or the
 * request fails with the 400 upstream gives. {@code fieldValidation} decides what an unknown or
 * duplicated field does: Strict fails, Warn (the default) answers a {@code Warning} header,
 * Ignore says nothing; in the last two the field is dropped, as upstream's typed decoding does.
 */
final class RequestBody {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private RequestBody() {
    }

    enum Mode { STRICT, WARN, IGNORE }

    static Mode mode(ApiRequest req) {
        String v = req.param("fieldValidation");
        if (v == null || v.isEmpty() || v.equals("Warn")) {
            return Mode.WARN;
        }
        return switch (v) {
            case "Strict" -> Mode.STRICT;
            case "Ignore" -> Mode.IGNORE;
            default -> throw StatusError.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
        };
    }

    /** Decodes a create or update body of resource r. */
    static ObjectNode decode(ApiRequest req, Resource r, ResponseWriter out) {
        ObjectNode body = req.header("content-type").startsWith(ProtobufBody.CONTENT_TYPE)
                ? ProtobufBody.toJson(req.body(), r) : parseJson(req, r, out);
        String kind = body.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(r.kind())) {
            throw StatusError.badRequest("the kind of the object (" + kind + ") does not match the resource (" + r.kind() + ")");
        }
        String apiVersion = body.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(r.groupVersion())) {
            throw StatusError.badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version ("
                    + r.groupVersion() + ")");
        }
        return checkFields(req, r, body, out);
    }

    /** Unknown fields of a decoded (or patched) object, handled as the request's fieldValidation says. */
    static ObjectNode checkFields(ApiRequest req, Resource r, ObjectNode body, ResponseWriter out) {
        List<FieldValidation.UnknownField> unknown = FieldValidation.unknownFields(body, r);
        if (unknown.isEmpty()) {
            return body;
        }
        switch (mode(req)) {
            case STRICT -> throw FieldValidation.strictError(r, unknown.stream().map(f -> "unknown field \"" + f.path() + "\"").toList());
            case WARN -> unknown.forEach(f -> out.warning("unknown field \"" + f.path() + "\""));
            case IGNORE -> { }
        }
        FieldValidation.prune(body, unknown);
        return body;
    }

    /** JSON with duplicate-field detection: a duplicate is an error under Strict and a warning otherwise. */
    private static ObjectNode parseJson(ApiRequest req, Resource r, ResponseWriter out) {
        try {
            JsonNode node = STRICT.readTree(req.body());
            if (node == null || !node.isObject()) {
                throw StatusError.badRequest("the request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                String field = message.replaceAll("^Duplicate field '(.*)'$", "$1");
                String path = e.getProcessor() instanceof JsonParser p ? dotted(p, field) : field;
                if (mode(req) == Mode.STRICT) {
                    throw FieldValidation.strictError(r, List.of("duplicate field \"" + path + "\""));
                }
                if (mode(req) == Mode.WARN) {
                    out.warning("duplicate field \"" + path + "\"");
                }
                return Json.parse(req.body()); // the last value wins, as in upstream's decoder
            }
            throw StatusError.badRequest("couldn't decode the request body as JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw StatusError.badRequest("couldn't decode the request body as JSON: " + e.getMessage());
        }
    }

    /** "spec.replicas" from the parser's position at a duplicate "replicas". */
    private static String dotted(JsonParser p, String field) {
        String pointer = p.getParsingContext().getParent() == null ? "" : p.getParsingContext().getParent().pathAsPointer().toString();
        String prefix = pointer.replaceFirst("^/", "").replace('/', '.');
        return prefix.isEmpty() ? field : prefix + "." + field;
    }
}
