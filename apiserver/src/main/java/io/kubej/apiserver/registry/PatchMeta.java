package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How patches and server-side apply treat each field of a kind. Upstream keeps this as struct
 * tags and markers on the Go types ({@code patchStrategy:"merge" patchMergeKey:"name"},
 * {@code +listType=map +listMapKey=name}, {@code +mapType=atomic}) and publishes it in OpenAPI
 * as {@code x-kubernetes-patch-strategy} / {@code x-kubernetes-patch-merge-key} and
 * {@code x-kubernetes-list-type} / {@code x-kubernetes-list-map-keys} / {@code x-kubernetes-map-type}.
 *
 * <p>Strategic merge patch reads the merge keys: a list with a merge key merges item by item
 * ({@code containers} by {@code name}), a list of primitives with the merge strategy is a set
 * union ({@code metadata.finalizers}), and every other list is replaced whole. Server-side apply
 * reads the list types: {@code map} lists merge items by their keys (a container port is
 * {@code containerPort} + {@code protocol}), {@code set} lists are unions, {@code atomic} lists,
 * maps and structs are replaced whole and owned as one field. As upstream does when a list has
 * no list type, a merge key stands for a {@code map} list with that one key and the merge
 * strategy on primitives for a {@code set}; any other list is atomic.
 *
 * <p>One PatchMeta describes an object's fields; for a list field it also describes the fields
 * of each item. Nested metadata is written once and reused (the pod spec appears in pods,
 * templates of every workload kind, and cron jobs' job templates).
 *
 * @param children        the metadata of the fields below (of each item, for a list)
 * @param mergeKey        for a list of objects: the item field strategic merge patch identifies an item by, else null
 * @param mergePrimitives for a list of strings: merge as a set instead of replacing
 * @param list            the list type when it is not the one the merge metadata implies, else null
 * @param atomic          a map or struct replaced and owned whole ({@code +mapType=atomic}, {@code +structType=atomic})
 * @param values          the metadata of every key {@code children} does not name (a CRD's {@code additionalProperties}), or null
 * @param strategic       whether strategic merge patch may use this metadata (custom resources: no, as upstream)
 */
public record PatchMeta(Map<String, PatchMeta> children, String mergeKey, boolean mergePrimitives, ListSemantics list,
                        boolean atomic, PatchMeta values, boolean strategic) {

    /** {@code x-kubernetes-list-type}. */
    public enum ListType { ATOMIC, SET, MAP }

    /**
     * A list's type and, for a map list, its keys ({@code x-kubernetes-list-map-keys}) with the
     * values an absent key takes (upstream: the key field's default, such as a port's protocol TCP).
     */
    public record ListSemantics(ListType type, List<String> keys, Map<String, JsonNode> keyDefaults) {
        public static final ListSemantics ATOMIC = new ListSemantics(ListType.ATOMIC, List.of(), Map.of());
        public static final ListSemantics SET = new ListSemantics(ListType.SET, List.of(), Map.of());
    }

    /** No known fields: every list is replaced (what plain JSON merge patch does everywhere). */
    public static final PatchMeta EMPTY = new PatchMeta(Map.of(), null, false, null, false, null, true);

    /** ObjectMeta: owner references merge by uid, finalizers as a set. */
    public static final PatchMeta OBJECT_META = fields().mergeList("ownerReferences", "uid").mergeSet("finalizers").build();

    /** Any object's top level: just its metadata. */
    public static final PatchMeta OBJECT = object().build();

    /** The child metadata of field (EMPTY when nothing special is known about it). */
    public PatchMeta field(String name) {
        PatchMeta child = children.get(name);
        if (child != null) {
            return child;
        }
        return values != null ? values : EMPTY;
    }

    /** What server-side apply does with this field when it holds a list. */
    public ListSemantics listSemantics() {
        if (list != null) {
            return list;
        }
        if (mergeKey != null) {
            return new ListSemantics(ListType.MAP, List.of(mergeKey), Map.of());
        }
        return mergePrimitives ? ListSemantics.SET : ListSemantics.ATOMIC;
    }

    /** The same metadata, refused to strategic merge patch (a custom resource's, from its schema). */
    public PatchMeta notStrategic() {
        return new PatchMeta(children, mergeKey, mergePrimitives, list, atomic, values, false);
    }

    public static Builder fields() {
        return new Builder();
    }

    /** The top level of a kind: {@code metadata} as every object has it, plus what the caller adds. */
    public static Builder object() {
        return new Builder().field("metadata", OBJECT_META);
    }

    /** A custom resource's metadata: its schema's below the top, ObjectMeta's as every object has it. */
    public static PatchMeta ofCustomResource(JsonNode openAPIV3Schema) {
        PatchMeta fromSchema = fromSchema(openAPIV3Schema);
        Map<String, PatchMeta> top = new LinkedHashMap<>(fromSchema.children());
        top.put("metadata", OBJECT_META);
        return new PatchMeta(Map.copyOf(top), null, false, null, false, null, false);
    }

    /**
     * The metadata a CustomResourceDefinition's structural schema declares (upstream reads the
     * same extensions from it): {@code x-kubernetes-list-type} and {@code x-kubernetes-list-map-keys}
     * on arrays, {@code x-kubernetes-map-type: atomic} on objects, properties and
     * {@code additionalProperties} below. Without them every list is atomic and every object granular.
     */
    static PatchMeta fromSchema(JsonNode schema) {
        Builder b = fields();
        JsonNode node = schema.path("type").asText().equals("array") ? schema.path("items") : schema;
        node.path("properties").fields().forEachRemaining(p -> b.field(p.getKey(), fromSchema(p.getValue())));
        PatchMeta values = node.path("additionalProperties").isObject() ? fromSchema(node.get("additionalProperties")) : null;
        ListSemantics list = null;
        if (schema.path("type").asText().equals("array")) {
            list = switch (schema.path("x-kubernetes-list-type").asText("atomic")) {
                case "set" -> ListSemantics.SET;
                case "map" -> {
                    List<String> keys = new ArrayList<>();
                    schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
                    Map<String, JsonNode> defaults = new LinkedHashMap<>();
                    keys.forEach(k -> {
                        JsonNode d = schema.path("items").path("properties").path(k).get("default");
                        if (d != null) {
                            defaults.put(k, d);
                        }
                    });
                    yield new ListSemantics(ListType.MAP, List.copyOf(keys), Map.copyOf(defaults));
                }
                default -> ListSemantics.ATOMIC;
            };
        }
        boolean atomic = schema.path("x-kubernetes-map-type").asText().equals("atomic");
        return new PatchMeta(Map.copyOf(b.fields), null, false, list, atomic, values, false);
    }

    public static final class Builder {
        private final Map<String, PatchMeta> fields = new LinkedHashMap<>();

        /** An object field with its own metadata. */
        public Builder field(String name, PatchMeta meta) {
            fields.put(name, meta);
            return this;
        }

        /** A list of objects merged by key. */
        public Builder mergeList(String name, String key) {
            return mergeList(name, key, EMPTY);
        }

        /** A list of objects merged by key, whose items have metadata of their own. */
        public Builder mergeList(String name, String key, PatchMeta items) {
            fields.put(name, new PatchMeta(items.children(), key, false, null, false, null, true));
            return this;
        }

        /**
         * A {@code map} list whose items server-side apply tells apart by several keys, the first
         * of which is strategic merge patch's merge key (container ports: containerPort, then
         * protocol). A {@code protocol} key defaults to TCP, as the API's defaulting does.
         */
        public Builder mapList(String name, PatchMeta items, String... keys) {
            Map<String, JsonNode> defaults = new LinkedHashMap<>();
            for (String k : keys) {
                if (k.equals("protocol")) {
                    defaults.put(k, com.fasterxml.jackson.databind.node.TextNode.valueOf("TCP"));
                }
            }
            fields.put(name, new PatchMeta(items.children(), keys[0], false,
                    new ListSemantics(ListType.MAP, List.of(keys), Map.copyOf(defaults)), false, null, true));
            return this;
        }

        /** A list of strings merged as a set. */
        public Builder mergeSet(String name) {
            fields.put(name, new PatchMeta(Map.of(), null, true, null, false, null, true));
            return this;
        }

        /** A map or struct owned and replaced whole by server-side apply (a label selector, a node selector). */
        public Builder atomic(String name) {
            fields.put(name, new PatchMeta(Map.of(), null, false, null, true, null, true));
            return this;
        }

        public PatchMeta build() {
            return new PatchMeta(Map.copyOf(fields), null, false, null, false, null, true);
        }
    }
}
