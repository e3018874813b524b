package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.PatchMeta.ListSemantics;
import io.kubej.apiserver.registry.PatchMeta.ListType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an object as server-side apply sees them, read through the registry's
 * {@link PatchMeta} (structured-merge-diff's {@code ToFieldSet} and {@code Compare}): every
 * scalar is a field, an atomic list, map or struct is one field, a set list's items are
 * {@code v:} elements and a map list's items {@code k:} elements (the item itself a member,
 * its fields below it).
 */
public final class ObjectFields {
    private ObjectFields() {
    }

    /** An object's field set, as an applier owns it (structured-merge-diff ToFieldSet). */
    public static FieldSet of(JsonNode object, PatchMeta meta) {
        List<List<String>> out = new ArrayList<>();
        walk(object, meta, new ArrayList<>(), out, false, true);
        return FieldSet.of(out);
    }

    /** What changed from old to now: added, modified and removed fields (structured-merge-diff Compare). */
    public record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        public boolean isSame() {
            return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
        }

        /** Added or modified: what a writer now holds. */
        public FieldSet changed() {
            return added.union(modified);
        }
    }

    public static Comparison compare(JsonNode old, JsonNode now, PatchMeta meta) {
        List<List<String>> added = new ArrayList<>();
        List<List<String>> modified = new ArrayList<>();
        List<List<String>> removed = new ArrayList<>();
        compare(old, now, meta, new ArrayList<>(), added, modified, removed);
        return new Comparison(FieldSet.of(added), FieldSet.of(modified), FieldSet.of(removed));
    }

    private static void compare(JsonNode old, JsonNode now, PatchMeta meta, List<String> path,
                                List<List<String>> added, List<List<String>> modified, List<List<String>> removed) {
        if (old == null && now == null) {
            return;
        }
        if (old == null) {
            walk(now, meta, path, added, true, path.isEmpty());
            return;
        }
        if (now == null) {
            walk(old, meta, path, removed, true, path.isEmpty());
            return;
        }
        if (old.isObject() && now.isObject() && !meta.atomic() && !(old.isEmpty() && now.isEmpty())) {
            Set<String> keys = new LinkedHashSet<>();
            old.fieldNames().forEachRemaining(keys::add);
            now.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                path.add("f:" + k);
                compare(old.get(k), now.get(k), meta.field(k), path, added, modified, removed);
                path.remove(path.size() - 1);
            }
            return;
        }
        ListSemantics ls = meta.listSemantics();
        if (old.isArray() && now.isArray() && ls.type() != ListType.ATOMIC && !(old.isEmpty() && now.isEmpty())) {
            Map<String, JsonNode> before = items(old, ls);
            Map<String, JsonNode> after = items(now, ls);
            Set<String> elements = new LinkedHashSet<>(before.keySet());
            elements.addAll(after.keySet());
            for (String pe : elements) {
                path.add(pe);
                JsonNode b = before.get(pe);
                JsonNode a = after.get(pe);
                if (ls.type() == ListType.SET || b == null || a == null) {
                    List<List<String>> into = b == null ? added : a == null ? removed : null;
                    if (into != null) {
                        into.add(List.copyOf(path)); // the item itself
                        walk(b == null ? a : b, meta, path, into, true, true);
                    }
                } else {
                    compare(b, a, meta, path, added, modified, removed);
                }
                path.remove(path.size() - 1);
            }
            return;
        }
        if (!old.equals(now)) {
            modified.add(List.copyOf(path));
        }
    }

    /** A list's items by path element (the first of duplicates wins, as upstream). */
    static Map<String, JsonNode> items(JsonNode list, ListSemantics ls) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            out.putIfAbsent(element(list.get(i), ls, i), list.get(i));
        }
        return out;
    }

    /**
     * Records the fields of value under path.
     *
     * @param containers also record maps and list items themselves (Compare records a new
     *                   container as added; ToFieldSet only the items of lists)
     * @param isRoot     value is where the walk starts (the object, or a list item already recorded)
     */
    private static void walk(JsonNode value, PatchMeta meta, List<String> path, List<List<String>> out,
                             boolean containers, boolean isRoot) {
        if (value.isObject() && !meta.atomic() && !(containers && value.isEmpty())) {
            // a new map is a member of its own; a struct the registry describes is not (upstream
            // compares with the kind's zero value, where such structs already exist, empty)
            if (containers && !path.isEmpty() && !isRoot && meta.children().isEmpty()) {
                out.add(List.copyOf(path));
            }
            value.fieldNames().forEachRemaining(k -> {
                path.add("f:" + k);
                walk(value.get(k), meta.field(k), path, out, containers, false);
                path.remove(path.size() - 1);
            });
            return;
        }
        ListSemantics ls = meta.listSemantics();
        if (value.isArray() && ls.type() != ListType.ATOMIC && !value.isEmpty()) {
            if (containers && !path.isEmpty() && !isRoot) {
                out.add(List.copyOf(path));
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                path.add(element(item, ls, i));
                out.add(List.copyOf(path));
                if (ls.type() == ListType.MAP && item.isObject()) {
                    item.fieldNames().forEachRemaining(k -> {
                        path.add("f:" + k);
                        walk(item.get(k), meta.field(k), path, out, containers, false);
                        path.remove(path.size() - 1);
                    });
                }
                path.remove(path.size() - 1);
            }
            return;
        }
        if (!path.isEmpty()) {
            out.add(List.copyOf(path));
        }
    }

    /** The path element of a list item: {@code k:{...}} by its keys, {@code v:...} by value, else {@code i:<index>}. */
    public static String element(JsonNode item, ListSemantics ls, int index) {
        String keyed = keyElement(item, ls);
        return keyed != null ? keyed : "i:" + index;
    }

    /** The {@code k:}/{@code v:} element of an item, or null when a map list's item lacks a key without a default. */
    static String keyElement(JsonNode item, ListSemantics ls) {
        if (ls.type() == ListType.SET) {
            return "v:" + item.toString();
        }
        if (ls.type() != ListType.MAP || !item.isObject()) {
            return null;
        }
        ObjectNode key = Json.object();
        for (String k : ls.keys()) {
            JsonNode v = item.get(k);
            if (v == null || v.isNull()) {
                v = ls.keyDefaults().get(k);
            }
            if (v == null) {
                return null;
            }
            key.set(k, v);
        }
        return "k:" + key;
    }

    /** The first key of ls that item lacks (and has no default), for upstream's error. */
    static String missingKey(JsonNode item, ListSemantics ls) {
        for (String k : ls.keys()) {
            if ((item.get(k) == null || item.get(k).isNull()) && !ls.keyDefaults().containsKey(k)) {
                return k;
            }
        }
        return null;
    }
}
