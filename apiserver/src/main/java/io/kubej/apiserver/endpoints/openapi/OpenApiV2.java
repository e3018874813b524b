package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import java.util.List;

/**
 * {@code /openapi/v2}: one Swagger 2.0 document for every group version (upstream's
 * {@code kube-openapi/pkg/handler}). kubectl 1.27 and 1.28 need it, as protobuf
 * ({@link GnosticEncoder}), before they create or apply anything; every kubectl validates the
 * items of a List with it client-side ({@code kubectl replace -f} of {@code get -o json}).
 */
final class OpenApiV2 {
    private OpenApiV2() {
    }

    static ObjectNode document(OpenApiDefinitions defs, String version) {
        ObjectNode doc = Json.object();
        doc.put("swagger", "2.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", version);
        ObjectNode paths = doc.putObject("paths");
        defs.kinds.keySet().forEach(r -> {
            for (ApiOperations.Operation op : ApiOperations.of(r)) {
                paths.withObjectProperty(op.path()).set(op.method(), operation(op, defs.definitionOf(op.kind())));
            }
        });
        ObjectNode definitions = doc.putObject("definitions");
        defs.definitions.forEach((name, schema) -> definitions.set(name, v2Schema(schema)));
        return doc;
    }

    /** @param definition the definition of what it reads and writes, or null: then any object */
    private static ObjectNode operation(ApiOperations.Operation op, String definition) {
        ObjectNode object = definition == null ? Json.object().put("type", "object") : Json.object().put("$ref", ModelSchemas.REF + definition);
        Resource r = op.resource();
        ObjectNode o = Json.object();
        ArrayNode consumes = o.putArray("consumes");
        (op.method().equals("patch") ? ApiOperations.patchTypes(r) : List.of("*/*")).forEach(consumes::add);
        o.putArray("produces").add("application/json").add("application/yaml").add("application/vnd.kubernetes.protobuf");
        o.putArray("schemes").add("https");
        o.putArray("tags").add(ApiOperations.tag(r));
        o.put("operationId", op.operationId());
        ArrayNode params = o.putArray("parameters");
        for (String p : op.pathParams()) {
            params.addObject().put("name", p).put("in", "path").put("required", true).put("type", "string")
                    .put("uniqueItems", true);
        }
        if (op.body()) {
            ObjectNode body = params.addObject().put("name", "body").put("in", "body").put("required", true);
            body.set("schema", op.method().equals("patch") ? Json.object().put("type", "object") : object.deepCopy());
        }
        for (String q : op.query()) {
            params.addObject().put("name", q).put("in", "query").put("type", ApiOperations.queryType(q)).put("uniqueItems", true);
        }
        ObjectNode ok = o.putObject("responses").putObject("200").put("description", "OK");
        if (op.returnsObject()) {
            ok.set("schema", object);
        }
        o.put("x-kubernetes-action", op.action());
        o.putObject("x-kubernetes-group-version-kind").put("group", op.kind().group()).put("kind", op.kind().kind())
                .put("version", op.kind().version());
        return o;
    }

    /**
     * A definition as v2 can say it. kubectl's v2 reading (kube-openapi {@code util/proto})
     * knows neither {@code nullable} nor {@code x-kubernetes-int-or-string}, so a custom
     * resource's schema is written as upstream publishes it for v2: an int-or-string has no
     * type, and an object that keeps unknown fields lists no properties (else kubectl would
     * call its unknown fields errors).
     */
    static ObjectNode v2Schema(ObjectNode schema) {
        ObjectNode s = schema.deepCopy();
        strip(s);
        return s;
    }

    private static void strip(JsonNode node) {
        if (!(node instanceof ObjectNode s)) {
            return;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            s.remove("type");
        }
        if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            s.remove("properties");
            s.remove("required");
        }
        for (String keyword : new String[] {"nullable", "oneOf", "anyOf", "not", "x-kubernetes-validations"}) {
            s.remove(keyword);
        }
        s.path("properties").forEach(OpenApiV2::strip);
        strip(s.path("additionalProperties"));
        JsonNode items = s.path("items");
        if (items.isArray()) {
            items.forEach(OpenApiV2::strip);
        } else {
            strip(items);
        }
        s.path("allOf").forEach(OpenApiV2::strip);
    }
}
