package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.apiextensions.StructuralSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definitions of everything served, from the registry: each resource's kind from its model
 * class ({@link ModelSchemas}) or, for a custom resource, from its CustomResourceDefinition's
 * schema, tagged with {@code x-kubernetes-group-version-kind} (how kubectl finds the schema of
 * the object it holds) and with the strategic-merge metadata of the kind's {@code PatchMeta}.
 */
final class OpenApiDefinitions {
    final Map<String, ObjectNode> definitions;
    /** Each served resource's kind, as the definition name. */
    final Map<Resource, String> kinds;

    private OpenApiDefinitions(Map<String, ObjectNode> definitions, Map<Resource, String> kinds) {
        this.definitions = definitions;
        this.kinds = kinds;
    }

    static OpenApiDefinitions of(List<Resource> resources) {
        ModelSchemas schemas = new ModelSchemas();
        Map<Resource, String> kinds = new LinkedHashMap<>();
        for (Resource r : resources) {
            String name;
            if (r.model() != null) {
                name = schemas.define(r.model());
                schemas.markPatchStrategies(name, r.patchMeta());
            } else if (r.fieldSchema() instanceof StructuralSchema s) {
                schemas.define(io.fabric8.kubernetes.api.model.ObjectMeta.class);
                name = customResourceName(r);
                schemas.definitions().put(name, customResource(s.openAPIV3Schema()));
            } else {
                continue;
            }
            kinds.put(r, name);
            ArrayNode gvks = schemas.definitions().get(name).withArrayProperty("x-kubernetes-group-version-kind");
            boolean listed = false;
            for (JsonNode g : gvks) {
                listed |= g.path("group").asText().equals(r.group()) && g.path("version").asText().equals(r.version())
                        && g.path("kind").asText().equals(r.kind());
            }
            if (!listed) {
                gvks.addObject().put("group", r.group()).put("kind", r.kind()).put("version", r.version());
            }
        }
        return new OpenApiDefinitions(schemas.definitions(), kinds);
    }

    /** Upstream names a custom resource's definition by its reversed group: {@code com.example.stable.v1.CronTab}. */
    static String customResourceName(Resource r) {
        List<String> parts = new ArrayList<>(List.of(r.group().split("\\.")));
        java.util.Collections.reverse(parts);
        return String.join(".", parts) + "." + r.version() + "." + r.kind();
    }

    /** A CRD version's openAPIV3Schema as a definition: apiVersion, kind and ObjectMeta's metadata are always there. */
    static ObjectNode customResource(JsonNode openAPIV3Schema) {
        ObjectNode s = openAPIV3Schema != null && openAPIV3Schema.isObject() ? ((ObjectNode) openAPIV3Schema).deepCopy() : Json.object();
        s.put("type", "object");
        ObjectNode props = s.withObjectProperty("properties");
        if (!props.has("apiVersion")) {
            props.putObject("apiVersion").put("type", "string")
                    .put("description", "The versioned schema of this representation of an object.");
        }
        if (!props.has("kind")) {
            props.putObject("kind").put("type", "string").put("description", "The REST resource this object represents.");
        }
        ObjectNode meta = props.putObject("metadata");
        meta.put("$ref", ModelSchemas.REF + ModelSchemas.OBJECT_META);
        meta.put("description", "Standard object's metadata.");
        return s;
    }

    /** The names of the definitions the given ones use, directly or not, and themselves. */
    java.util.Set<String> closure(java.util.Collection<String> roots) {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (seen.add(n) && definitions.containsKey(n)) {
                collectRefs(definitions.get(n), todo);
            }
        }
        seen.retainAll(definitions.keySet());
        return seen;
    }

    private static void collectRefs(JsonNode node, java.util.Deque<String> out) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith(ModelSchemas.REF)) {
                out.push(ref.asText().substring(ModelSchemas.REF.length()));
            }
            node.forEach(child -> collectRefs(child, out));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, out));
        }
    }
}
