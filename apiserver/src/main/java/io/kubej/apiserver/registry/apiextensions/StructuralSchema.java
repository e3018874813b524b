package io.kubej.apiserver.registry.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.FieldSchema;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CustomResourceDefinition version's {@code openAPIV3Schema} applied to custom resources
 * (upstream {@code apiextensions-apiserver/pkg/apiserver/schema}): unknown fields are pruned
 * unless {@code x-kubernetes-preserve-unknown-fields}, {@code default}s fill absent fields, and
 * the common keywords are validated: type (with {@code nullable} and
 * {@code x-kubernetes-int-or-string}), properties, additionalProperties, items, required, enum,
 * minimum/maximum (and exclusive), minLength/maxLength, pattern, minItems/maxItems.
 * {@code apiVersion}, {@code kind} and {@code metadata} at the top are the API server's own and
 * never pruned.
 */
public final class StructuralSchema implements FieldSchema {
    private final JsonNode root;

    public StructuralSchema(JsonNode openAPIV3Schema) {
        this.root = openAPIV3Schema == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : openAPIV3Schema;
    }

    /** The schema as the definition wrote it (OpenAPI publishes it). */
    public JsonNode openAPIV3Schema() {
        return root;
    }

    private static boolean isTopLevelMeta(String path) {
        return path.equals("apiVersion") || path.equals("kind") || path.equals("metadata");
    }

    private static boolean preserves(JsonNode schema) {
        return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    }

    // ---- pruning

    @Override
    public List<Field> unknownFields(ObjectNode object) {
        List<Field> out = new ArrayList<>();
        unknown(object, root, "", "", true, out);
        return out;
    }

    private static void unknown(JsonNode value, JsonNode schema, String path, String pointer, boolean top, List<Field> out) {
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            Iterator<Map.Entry<String, JsonNode>> it = value.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                String childPointer = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                if (top && isTopLevelMeta(e.getKey())) {
                    continue;
                }
                if (props.has(e.getKey())) {
                    unknown(e.getValue(), props.get(e.getKey()), childPath, childPointer, false, out);
                } else if (additional != null && additional.isObject()) {
                    unknown(e.getValue(), additional, childPath, childPointer, false, out);
                } else if (!preserves(schema) && !(additional != null && additional.asBoolean(false))) {
                    out.add(new Field(childPath, childPointer));
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                unknown(value.get(i), schema.get("items"), path + "[" + i + "]", pointer + "/" + i, false, out);
            }
        }
    }

    // ---- defaulting

    /** Fills each absent property that has a {@code default}, at every level present in the object. */
    public void applyDefaults(ObjectNode object) {
        defaults(object, root);
    }

    private static void defaults(JsonNode value, JsonNode schema) {
        if (value instanceof ObjectNode o) {
            schema.path("properties").fields().forEachRemaining(p -> {
                if (!o.has(p.getKey()) && p.getValue().has("default")) {
                    o.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (o.has(p.getKey())) {
                    defaults(o.get(p.getKey()), p.getValue());
                }
            });
            JsonNode additional = schema.get("additionalProperties");
            if (additional != null && additional.isObject()) {
                o.fields().forEachRemaining(e -> defaults(e.getValue(), additional));
            }
        } else if (value instanceof ArrayNode a && schema.has("items")) {
            a.forEach(item -> defaults(item, schema.get("items")));
        }
    }

    // ---- validation

    public List<Cause> validate(ObjectNode object) {
        List<Cause> causes = new ArrayList<>();
        validate(object, root, "", true, causes);
        return causes;
    }

    private static void validate(JsonNode value, JsonNode schema, String path, boolean top, List<Cause> causes) {
        if (schema.isMissingNode() || schema.isEmpty()) {
            return;
        }
        String at = path.isEmpty() ? "<root>" : path;
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                causes.add(Validation.invalid(at, "null", at + " in body must be of type " + schema.path("type").asText("object") + ": \"null\""));
            }
            return;
        }
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        String type = intOrString ? "integer,string" : schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type, schema)) {
            causes.add(Validation.invalid(at, printed(value), at + " in body must be of type " + type + ": \"" + jsonType(value) + "\""));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value);
                allowed.add(e.asText());
            }
            if (!found) {
                causes.add(Validation.notSupported(at, value.asText(), allowed));
            }
        }
        if (value.isNumber()) {
            checkNumber(value, schema, at, causes);
        }
        if (value.isTextual()) {
            checkString(value.asText(), schema, at, causes);
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                causes.add(new Cause("FieldValueTooMany", at, "Too many: " + value.size() + ": must have at most " + schema.get("maxItems").asInt() + " items"));
            }
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                causes.add(Validation.invalid(at, value.size(), at + " in body should have at least " + schema.get("minItems").asInt() + " items"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.get("items"), path + "[" + i + "]", false, causes);
                }
            }
        }
        if (value.isObject()) {
            for (JsonNode req : schema.path("required")) {
                if (!value.has(req.asText())) {
                    causes.add(Validation.required(path.isEmpty() ? req.asText() : path + "." + req.asText()));
                }
            }
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            value.fields().forEachRemaining(e -> {
                if (top && isTopLevelMeta(e.getKey())) {
                    return;
                }
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (props.has(e.getKey())) {
                    validate(e.getValue(), props.get(e.getKey()), child, false, causes);
                } else if (additional != null && additional.isObject()) {
                    validate(e.getValue(), additional, child, false, causes);
                }
            });
        }
    }

    private static void checkNumber(JsonNode value, JsonNode schema, String at, List<Cause> causes) {
        double v = value.asDouble();
        if (schema.has("minimum")) {
            double min = schema.get("minimum").asDouble();
            boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
            if (exclusive ? v <= min : v < min) {
                causes.add(Validation.invalid(at, number(value), at + " in body should be greater than " + (exclusive ? "" : "or equal to ") + number(schema.get("minimum"))));
            }
        }
        if (schema.has("maximum")) {
            double max = schema.get("maximum").asDouble();
            boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
            if (exclusive ? v >= max : v > max) {
                causes.add(Validation.invalid(at, number(value), at + " in body should be less than " + (exclusive ? "" : "or equal to ") + number(schema.get("maximum"))));
            }
        }
    }

    private static void checkString(String s, JsonNode schema, String at, List<Cause> causes) {
        if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
            causes.add(new Cause("FieldValueTooLong", at, "Too long: may not be more than " + schema.get("maxLength").asInt() + " bytes"));
        }
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
            causes.add(Validation.invalid(at, s, at + " in body should be at least " + schema.get("minLength").asInt() + " chars long"));
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
            causes.add(Validation.invalid(at, s, at + " in body should match '" + schema.get("pattern").asText() + "'"));
        }
    }

    private static boolean hasType(JsonNode v, String type, JsonNode schema) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return v.isIntegralNumber() || v.isTextual();
        }
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String jsonType(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        return v.isBoolean() ? "boolean" : "null";
    }

    private static Object printed(JsonNode v) {
        return v.isNumber() ? number(v) : v.isBoolean() ? v.asBoolean() : v.isTextual() ? v.asText() : v.toString();
    }

    private static Number number(JsonNode v) {
        return v.isIntegralNumber() ? (Number) v.asLong() : (Number) v.asDouble();
    }
}
