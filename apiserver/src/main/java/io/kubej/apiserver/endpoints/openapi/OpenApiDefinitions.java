package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
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
    /** The definition of each group-version-kind an operation may name (subresources' Scale, Binding, Eviction too). */
    private final Map<ApiOperations.Kind, String> byKind;

    private OpenApiDefinitions(Map<String, ObjectNode> definitions, Map<Resource, String> kinds, Map<ApiOperations.Kind, String> byKind) {
        this.definitions = definitions;
        this.kinds = kinds;
        this.byKind = byKind;
    }

    /** The definition of what an operation reads and writes, or null if kubej has no schema for it. */
    String definitionOf(ApiOperations.Kind kind) {
        return byKind.get(kind);
    }

    static OpenApiDefinitions of(List<Resource> resources) {
        ModelSchemas schemas = new ModelSchemas();
        Map<Resource, String> kinds = new LinkedHashMap<>();
        Map<ApiOperations.Kind, String> byKind = new java.util.HashMap<>();
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
            byKind.put(ApiOperations.Kind.of(r), name);
            tagKind(schemas.definitions().get(name), r.group(), r.version(), r.kind());
            for (Subresource sub : r.subresources()) {
                ApiOperations.Kind own = ApiOperations.Kind.of(r, sub);
                Class<?> model = sub.kind() == null ? null : ModelSchemas.modelOf(own.group(), own.version(), own.kind());
                if (model != null) {
                    String subName = schemas.define(model);
                    tagKind(schemas.definitions().get(subName), own.group(), own.version(), own.kind());
                    byKind.put(own, subName);
                }
            }
        }
        return new OpenApiDefinitions(schemas.definitions(), kinds, byKind);
    }

    /** Adds a group-version-kind to a definition's {@code x-kubernetes-group-version-kind} (one type may serve several). */
    private static void tagKind(ObjectNode definition, String group, String version, String kind) {
        ArrayNode gvks = definition.withArrayProperty("x-kubernetes-group-version-kind");
        for (JsonNode g : gvks) {
            if (g.path("group").asText().equals(group) && g.path("version").asText().equals(version) && g.path("kind").asText().equals(kind)) {
                return;
            }
        }
        gvks.addObject().put("group", group).put("kind", kind).put("version", version);
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
