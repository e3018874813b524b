package io.kubej.apiserver.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How strategic merge patch treats each field of a kind (upstream keeps this as struct tags,
 * {@code patchStrategy:"merge" patchMergeKey:"name"}, and publishes it in OpenAPI as
 * {@code x-kubernetes-patch-strategy} / {@code x-kubernetes-patch-merge-key}).
 *
 * <p>A list with a merge key merges item by item ({@code containers} by {@code name}), a list of
 * primitives with the merge strategy is a set union ({@code metadata.finalizers}), and every
 * other list is replaced whole. One PatchMeta describes an object's fields; for a list field it
 * also describes the fields of each item. Nested metadata is written once and reused (the pod
 * spec appears in pods, templates of every workload kind, and cron jobs' job templates).
 *
 * @param children        the metadata of the fields below (of each item, for a list)
 * @param mergeKey        for a list of objects: the item field that identifies an item, else null
 * @param mergePrimitives for a list of strings: merge as a set instead of replacing
 */
public record PatchMeta(Map<String, PatchMeta> children, String mergeKey, boolean mergePrimitives) {
    /** No known fields: every list is replaced (what plain JSON merge patch does everywhere). */
    public static final PatchMeta EMPTY = new PatchMeta(Map.of(), null, false);

    /** ObjectMeta: owner references merge by uid, finalizers as a set. */
    public static final PatchMeta OBJECT_META = fields().mergeList("ownerReferences", "uid").mergeSet("finalizers").build();

    /** Any object's top level: just its metadata. */
    public static final PatchMeta OBJECT = object().build();

    /** The child metadata of field (EMPTY when nothing special is known about it). */
    public PatchMeta field(String name) {
        return children.getOrDefault(name, EMPTY);
    }

    public static Builder fields() {
        return new Builder();
    }

    /** The top level of a kind: {@code metadata} as every object has it, plus what the caller adds. */
    public static Builder object() {
        return new Builder().field("metadata", OBJECT_META);
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
            fields.put(name, new PatchMeta(items.children(), key, false));
            return this;
        }

        /** A list of strings merged as a set. */
        public Builder mergeSet(String name) {
            fields.put(name, new PatchMeta(Map.of(), null, true));
            return this;
        }

        public PatchMeta build() {
            return new PatchMeta(Map.copyOf(fields), null, false);
        }
    }
}
