package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * JSON helpers. kubej's API server keeps objects as Jackson trees (like upstream's
 * "unstructured"), so it stores exactly what clients sent plus what the server sets.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static ObjectNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw StatusError.badRequest("the request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw StatusError.badRequest("couldn't decode the request body as JSON: " + e.getMessage());
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The child object at {@code field}, created when missing (like Go's zero-value structs). */
    public static ObjectNode obj(ObjectNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    public static ObjectNode metadata(ObjectNode object) {
        return obj(object, "metadata");
    }

    /** Text at a dotted path (e.g. {@code spec.nodeName}), or "" as Go's field selectors see it. */
    public static String text(JsonNode node, String dottedPath) {
        JsonNode n = node;
        for (String part : dottedPath.split("\\.")) {
            if (n == null) {
                return "";
            }
            n = n.get(part);
        }
        return n == null || n.isNull() ? "" : n.asText();
    }

    /** A timestamp as Kubernetes writes metav1.Time: RFC 3339, seconds precision, UTC. */
    public static String timestamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
