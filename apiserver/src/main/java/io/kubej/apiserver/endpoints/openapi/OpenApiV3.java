package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Map;

/**
 * {@code /openapi/v3/<api|apis>/<group version>}: one OpenAPI 3.0 document per group version
 * (KEP-2896), what kubectl 1.27+ reads for {@code explain}, for the strategic-merge metadata of
 * client-side {@code apply}, and to learn that the server validates fields (a PATCH operation
 * of the kind with a {@code fieldValidation} query parameter). Its {@code components.schemas}
 * hold the group version's kinds and every definition they use.
 */
final class OpenApiV3 {
    static final String REF = "#/components/schemas/";

    private OpenApiV3() {
    }

    /** The document of the resources of one group version. */
    static ObjectNode document(OpenApiDefinitions defs, List<Resource> resources, String version) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", version);
        ObjectNode paths = doc.putObject("paths");
        java.util.Set<String> used = new java.util.LinkedHashSet<>();
        for (Resource r : resources) {
            String kind = defs.kinds.get(r);
            if (kind == null) {
                continue;
            }
            used.add(kind);
            for (ApiOperations.Operation op : ApiOperations.of(r)) {
                String definition = defs.definitionOf(op.kind());
                if (definition != null) {
                    used.add(definition);
                }
                paths.withObjectProperty(op.path()).set(op.method(), operation(op, definition));
            }
        }
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        for (String name : defs.closure(used)) {
            ObjectNode s = (ObjectNode) v3Schema(defs.definitions.get(name));
            // v3 can say what v2 cannot: these scalars take either JSON type
            if (name.equals(ModelSchemas.INT_OR_STRING)) {
                s.remove("type");
                s.put("x-kubernetes-int-or-string", true);
            } else if (name.equals(ModelSchemas.QUANTITY)) {
                s.remove("type");
                s.putArray("oneOf").add(Json.object().put("type", "string")).add(Json.object().put("type", "number"));
            }
            schemas.set(name, s);
        }
        return doc;
    }

    /** @param definition the definition of what it reads and writes, or null: then any object */
    private static ObjectNode operation(ApiOperations.Operation op, String definition) {
        Resource r = op.resource();
        ObjectNode o = Json.object();
        o.putArray("tags").add(ApiOperations.tag(r));
        o.put("operationId", op.operationId());
        ArrayNode params = o.putArray("parameters");
        for (String p : op.pathParams()) {
            params.addObject().put("name", p).put("in", "path").put("required", true).putObject("schema").put("type", "string")
                    .put("uniqueItems", true);
        }
        for (String q : op.query()) {
            params.addObject().put("name", q).put("in", "query").putObject("schema").put("type", ApiOperations.queryType(q))
                    .put("uniqueItems", true);
        }
        ObjectNode object = definition == null ? Json.object().put("type", "object") : Json.object().put("$ref", REF + definition);
        if (op.body()) {
            ObjectNode body = o.putObject("requestBody");
            ObjectNode content = body.putObject("content");
            if (op.method().equals("patch")) {
                for (String type : ApiOperations.patchTypes(r)) {
                    content.putObject(type).putObject("schema").put("type", "object");
                }
            } else {
                content.putObject("*/*").set("schema", object);
            }
            body.put("required", true);
        }
        ObjectNode ok = o.putObject("responses").putObject("200").put("description", "OK");
        if (op.returnsObject()) {
            ObjectNode content = ok.putObject("content");
            for (String type : new String[] {"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}) {
                content.putObject(type).set("schema", object.deepCopy());
            }
        }
        o.put("x-kubernetes-action", op.action());
        o.putObject("x-kubernetes-group-version-kind").put("group", op.kind().group()).put("kind", op.kind().kind())
                .put("version", op.kind().version());
        return o;
    }

    /**
     * A v2 definition in v3's words: refs point into {@code components/schemas}, and a ref with
     * its own description (or patch metadata) is an {@code allOf} of the ref, as upstream writes it.
     */
    static JsonNode v3Schema(JsonNode v2) {
        if (v2.isArray()) {
            ArrayNode a = Json.array();
            v2.forEach(item -> a.add(v3Schema(item)));
            return a;
        }
        if (!v2.isObject()) {
            return v2.deepCopy();
        }
        ObjectNode out = Json.object();
        JsonNode ref = v2.get("$ref");
        if (ref != null && ref.asText().startsWith(ModelSchemas.REF)) {
            ObjectNode target = Json.object().put("$ref", REF + ref.asText().substring(ModelSchemas.REF.length()));
            if (v2.size() == 1) {
                return target;
            }
            out.putArray("allOf").add(target);
        }
        for (Map.Entry<String, JsonNode> e : v2.properties()) {
            switch (e.getKey()) {
                case "$ref" -> { }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    e.getValue().properties().forEach(p -> props.set(p.getKey(), v3Schema(p.getValue())));
                }
                case "items", "additionalProperties", "allOf" -> out.set(e.getKey(), v3Schema(e.getValue()));
                default -> out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }

    /** {@code /openapi/v3}: where each group version's document is, the hash of its content in the URL. */
    static ObjectNode root(Map<String, String> hashes) {
        ObjectNode o = Json.object();
        ObjectNode paths = o.putObject("paths");
        hashes.forEach((path, hash) -> paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash));
        return o;
    }

    /** {@code api/v1} or {@code apis/apps/v1}: where a group version's document is below {@code /openapi/v3/}. */
    static String path(String groupVersion) {
        return groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
    }
}
