package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An object's {@code metadata.managedFields} (metav1.ManagedFieldsEntry, upstream
 * {@code managedfields/internal/managedfields.go}): who owns which fields. One entry per
 * manager, operation ({@code Apply} or {@code Update}), subresource and, for updates, API
 * version; each with the time of its last change and its fields as {@code FieldsV1}.
 */
public final class ManagedFields {
    public static final String APPLY = "Apply";
    public static final String UPDATE = "Update";

    private ManagedFields() {
    }

    /**
     * One entry.
     *
     * @param time        RFC 3339 seconds, or null
     * @param subresource "" for the main resource, else {@code status}, ...
     */
    public record Entry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {
        /**
         * Whether other is the same manager (upstream's manager identifier: name, operation and
         * subresource; for updates also the API version, so an applier keeps one entry across versions).
         */
        public boolean sameManager(String manager, String operation, String apiVersion, String subresource) {
            return this.manager.equals(manager) && this.operation.equals(operation) && this.subresource.equals(subresource)
                    && (operation.equals(APPLY) || Objects.equals(this.apiVersion, apiVersion));
        }

        public Entry withFields(FieldSet f) {
            return new Entry(manager, operation, apiVersion, time, subresource, f);
        }

        public Entry withTime(String t) {
            return new Entry(manager, operation, apiVersion, t, subresource, fields);
        }

        /**
         * The manager as conflicts name it: {@code "name"}, {@code with subresource "scale"} when it
         * wrote one, and {@code using <apiVersion>} for an updater.
         */
        public String printed() {
            String quoted = Json.MAPPER.valueToTree(manager).toString();
            if (!subresource.isEmpty()) {
                quoted += " with subresource " + Json.MAPPER.valueToTree(subresource);
            }
            return operation.equals(UPDATE) ? quoted + " using " + apiVersion : quoted;
        }
    }

    /** The entries of an object; an entry that does not decode is an IllegalArgumentException. */
    public static List<Entry> decode(JsonNode managedFields) {
        List<Entry> out = new ArrayList<>();
        if (managedFields == null || managedFields.isNull()) {
            return out;
        }
        if (!managedFields.isArray()) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        for (JsonNode e : managedFields) {
            String type = e.path("fieldsType").asText("");
            if (!type.equals("FieldsV1")) {
                throw new IllegalArgumentException("unsupported fieldsType \"" + type + "\"");
            }
            String op = e.path("operation").asText("");
            if (!op.equals(APPLY) && !op.equals(UPDATE)) {
                throw new IllegalArgumentException("unsupported operation \"" + op + "\"");
            }
            out.add(new Entry(e.path("manager").asText(""), op, e.path("apiVersion").asText(""),
                    e.hasNonNull("time") ? e.get("time").asText() : null, e.path("subresource").asText(""),
                    FieldSet.fromFieldsV1(e.get("fieldsV1"))));
        }
        return out;
    }

    /**
     * Whether a write asks to clear managedFields: a list holding one empty entry (the documented
     * way); an empty list is not, so clients unaware of the field never strip it.
     */
    public static boolean isReset(JsonNode managedFields) {
        return managedFields != null && managedFields.isArray() && managedFields.size() == 1
                && managedFields.get(0).isObject() && managedFields.get(0).isEmpty();
    }

    /** The entries as written: appliers first, then updaters, each by time, then manager, version, subresource (as upstream sorts them). */
    public static ArrayNode encode(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::operation)
                .thenComparing(e -> e.time() == null ? "" : e.time())
                .thenComparing(Entry::manager)
                .thenComparing(e -> e.apiVersion() == null ? "" : e.apiVersion())
                .thenComparing(Entry::subresource));
        ArrayNode out = Json.array();
        for (Entry e : sorted) {
            ObjectNode o = out.addObject();
            o.put("manager", e.manager()).put("operation", e.operation()).put("apiVersion", e.apiVersion());
            if (e.time() != null) {
                o.put("time", e.time());
            }
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", e.fields().toFieldsV1());
            if (!e.subresource().isEmpty()) {
                o.put("subresource", e.subresource());
            }
        }
        return out;
    }

    /** Sets (or, with no entries, removes) an object's managedFields. */
    public static void write(ObjectNode object, List<Entry> entries) {
        ObjectNode meta = Json.metadata(object);
        if (entries.isEmpty()) {
            meta.remove("managedFields");
        } else {
            meta.set("managedFields", encode(entries));
        }
    }
}
