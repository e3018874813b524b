package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths (structured-merge-diff's {@code fieldpath.Set}), kept as a tree whose
 * edges are path elements in upstream's FieldsV1 spelling: {@code f:<field>} for a field,
 * {@code k:{"name":"nginx"}} for a map-list item by its keys, {@code v:"value"} for a set item,
 * {@code i:<n>} for a list item by position. A node is a member of the set when it is a leaf or
 * marked {@code "."} (the element itself, beside what is below it). This is exactly the shape of
 * a managedFields entry's {@code fieldsV1}, so encoding and decoding are a walk over JSON.
 *
 * <p>Sets are values: every operation returns a new set.
 */
public final class FieldSet {
    private boolean member;
    private final TreeMap<String, FieldSet> children = new TreeMap<>();

    public static FieldSet empty() {
        return new FieldSet();
    }

    /** A set of the given paths. */
    public static FieldSet of(List<List<String>> paths) {
        FieldSet s = new FieldSet();
        paths.forEach(s::insert);
        return s;
    }

    /** Adds one path (a list of path elements; the empty path is the whole object and is not recorded). */
    void insert(List<String> path) {
        if (path.isEmpty()) {
            return;
        }
        FieldSet at = this;
        for (String pe : path) {
            at = at.children.computeIfAbsent(pe, k -> new FieldSet());
        }
        at.member = true;
    }

    public boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Whether path itself is a member. */
    public boolean has(List<String> path) {
        FieldSet at = at(path);
        return at != null && at.member;
    }

    /** Whether path or anything below it is a member. */
    public boolean hasAtOrBelow(List<String> path) {
        FieldSet at = at(path);
        return at != null && !at.isEmpty();
    }

    private FieldSet at(List<String> path) {
        FieldSet at = this;
        for (String pe : path) {
            at = at.children.get(pe);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** Every member path, parents before their children, in FieldsV1 order. */
    public List<List<String>> members() {
        List<List<String>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<String> prefix, List<List<String>> out) {
        if (member && !prefix.isEmpty()) {
            out.add(List.copyOf(prefix));
        }
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            prefix.add(e.getKey());
            e.getValue().collect(prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    public FieldSet union(FieldSet other) {
        FieldSet out = of(members());
        other.members().forEach(out::insert);
        return out;
    }

    /** The members of this set that are not members of other. */
    public FieldSet difference(FieldSet other) {
        List<List<String>> kept = new ArrayList<>();
        for (List<String> p : members()) {
            if (!other.has(p)) {
                kept.add(p);
            }
        }
        return of(kept);
    }

    public FieldSet intersection(FieldSet other) {
        List<List<String>> kept = new ArrayList<>();
        for (List<String> p : members()) {
            if (other.has(p)) {
                kept.add(p);
            }
        }
        return of(kept);
    }

    // ---- FieldsV1

    /** The set as a managedFields entry's {@code fieldsV1}. */
    public ObjectNode toFieldsV1() {
        ObjectNode o = Json.object();
        if (member && !children.isEmpty() && !allEmpty()) {
            o.putObject(".");
        }
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            if (!e.getValue().isEmpty()) {
                o.set(e.getKey(), e.getValue().toFieldsV1());
            }
        }
        return o;
    }

    private boolean allEmpty() {
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Reads a {@code fieldsV1} object; anything else is an IllegalArgumentException. */
    public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
        if (fieldsV1 == null || !fieldsV1.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be an object");
        }
        FieldSet s = new FieldSet();
        read(fieldsV1, s, true);
        return s;
    }

    private static void read(JsonNode node, FieldSet into, boolean root) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected an object in fieldsV1, got " + node);
        }
        if (node.isEmpty() && !root) {
            into.member = true;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals(".")) {
                into.member = true;
                continue;
            }
            if (key.length() < 2 || key.charAt(1) != ':' || "fkvi".indexOf(key.charAt(0)) < 0) {
                throw new IllegalArgumentException("unknown path element " + key + " in fieldsV1");
            }
            FieldSet child = into.children.computeIfAbsent(key, k -> new FieldSet());
            read(e.getValue(), child, false);
        }
    }

    // ---- printing

    /**
     * A path as upstream prints it in conflicts: {@code .spec.replicas},
     * {@code .spec.template.spec.containers[name="nginx"].image}, {@code .metadata.finalizers[="a"]}.
     */
    public static String pathString(List<String> path) {
        StringBuilder sb = new StringBuilder();
        for (String pe : path) {
            String body = pe.substring(2);
            switch (pe.charAt(0)) {
                case 'f' -> sb.append('.').append(body);
                case 'v' -> sb.append("[=").append(body).append(']');
                case 'i' -> sb.append('[').append(body).append(']');
                default -> {
                    List<String> parts = new ArrayList<>();
                    Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).fields()
                            .forEachRemaining(k -> parts.add(k.getKey() + "=" + k.getValue().toString()));
                    sb.append('[').append(String.join(",", parts)).append(']');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet f && members().equals(f.members());
    }

    @Override
    public int hashCode() {
        return members().hashCode();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }
}
