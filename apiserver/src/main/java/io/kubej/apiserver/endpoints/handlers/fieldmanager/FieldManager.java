package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.handlers.fieldmanager.ManagedFields.Entry;
import io.kubej.apiserver.endpoints.handlers.fieldmanager.ObjectFields.Comparison;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.PatchMeta.ListSemantics;
import io.kubej.apiserver.registry.PatchMeta.ListType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field management on every write (upstream {@code apimachinery/pkg/util/managedfields} and
 * structured-merge-diff's {@code merge.Updater}). A create, update or patch is an
 * {@code Update}: the writer comes to own every field it added or changed, and every other
 * manager loses those fields (and the ones the write removed). A server-side apply is an
 * {@code Apply}: the applier owns exactly the fields of its configuration; the configuration
 * is merged into the live object by the registry's list types; fields the applier applied
 * before and no longer does are removed unless someone else owns them; changing a field
 * another manager owns is a conflict unless forced, and a forced apply takes the field away.
 */
public final class FieldManager {
    /** Who owned an object's fields before its first apply, when it was written without managedFields. */
    public static final String BEFORE_FIRST_APPLY = "before-first-apply";
    /** kubectl's client-side apply record; kubectl's server-side apply keeps it current (downgrade) and may take over its fields. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** kubectl's server-side apply manager: the only one the client-side apply migration helps. */
    static final String KUBECTL = "kubectl";
    private static final int MAX_MANAGER_LENGTH = 128;
    /** How many updater entries an object keeps before the oldest are folded together. */
    static final int MAX_UPDATE_MANAGERS = 10;
    static final String ANCIENT_CHANGES = "ancient-changes";

    private FieldManager() {
    }

    /** Which part of the object a write may change, and so which fields it can come to own (upstream's reset fields). */
    public enum Part {
        ALL,
        /** The main resource of a kind with a status subresource: status is not its to own. */
        ALL_BUT_STATUS,
        /** The status subresource: only status. */
        STATUS
    }

    /**
     * The writer of one request.
     *
     * @param manager     the field manager's name
     * @param apiVersion  the version the request speaks
     * @param subresource "" for the main resource
     * @param part        what the write may own
     * @param meta        the kind's list types and map types
     */
    public record Writer(String manager, String apiVersion, String subresource, Part part, PatchMeta meta) {
    }

    /**
     * The manager of a request: {@code ?fieldManager=}, else the User-Agent up to its first
     * {@code /} ({@code kubectl/v1.32.0 (linux/amd64) ...} is {@code kubectl}), at most 128 characters.
     */
    public static String managerName(String fieldManager, String userAgent) {
        String m = fieldManager != null && !fieldManager.isEmpty() ? fieldManager
                : userAgent == null ? "" : userAgent.split("/", 2)[0];
        return m.length() > MAX_MANAGER_LENGTH ? m.substring(0, MAX_MANAGER_LENGTH) : m;
    }

    // ---- Update

    /**
     * Records a create (live null), update or patch in updated's managedFields. Managed fields
     * the request itself carries are taken as they are (so a client may rewrite them, as
     * kubectl's apply migration does); a list of one empty entry clears them first; none, or
     * an empty list, keeps the live object's.
     */
    public static ObjectNode update(ObjectNode live, ObjectNode updated, Writer w, Instant now) {
        List<Entry> entries = managedOf(live, updated, !w.subresource().isEmpty());
        Json.metadata(updated).remove("managedFields");
        ObjectNode after = strip(updated, w.part());
        ObjectNode before = live != null ? strip(live, w.part()) : emptyLike(after);
        Comparison c = ObjectFields.compare(before, after, w.meta());
        if (!c.isSame()) {
            entries = recordUpdate(entries, c, w, now);
        }
        ManagedFields.write(updated, entries);
        return updated;
    }

    private static List<Entry> managedOf(ObjectNode live, ObjectNode updated, boolean subresource) {
        JsonNode given = updated.path("metadata").get("managedFields");
        if (!subresource) {
            if (ManagedFields.isReset(given)) {
                return new ArrayList<>();
            }
            try {
                List<Entry> e = ManagedFields.decode(given);
                if (!e.isEmpty()) {
                    return e;
                }
            } catch (IllegalArgumentException e) {
                // not readable: keep the live object's, as upstream does
            }
        }
        return decodeOrEmpty(live);
    }

    private static List<Entry> decodeOrEmpty(ObjectNode object) {
        if (object == null) {
            return new ArrayList<>();
        }
        try {
            return ManagedFields.decode(object.path("metadata").get("managedFields"));
        } catch (IllegalArgumentException e) {
            return new ArrayList<>();
        }
    }

    /** An updater takes what it changed from everyone (itself included) and adds it to its own entry. */
    private static List<Entry> recordUpdate(List<Entry> entries, Comparison c, Writer w, Instant now) {
        FieldSet changed = c.changed();
        FieldSet previous = FieldSet.empty();
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            FieldSet kept = e.fields().difference(changed).difference(c.removed());
            if (e.sameManager(w.manager(), ManagedFields.UPDATE, w.apiVersion(), w.subresource())) {
                previous = kept;
            } else if (!kept.isEmpty()) {
                out.add(e.withFields(kept));
            }
        }
        FieldSet mine = previous.union(changed);
        if (!mine.isEmpty()) {
            out.add(new Entry(w.manager(), ManagedFields.UPDATE, w.apiVersion(), Json.timestamp(now), w.subresource(), mine));
        }
        return capUpdaters(out);
    }

    /**
     * At most ten updater entries (upstream's capManagersManager): the oldest are folded, per API
     * version, into one {@code ancient-changes} entry that keeps the newest time among them.
     */
    static List<Entry> capUpdaters(List<Entry> entries) {
        List<Entry> updaters = new ArrayList<>(entries.stream().filter(e -> e.operation().equals(ManagedFields.UPDATE)).toList());
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return entries;
        }
        updaters.sort(Comparator.comparing(e -> e.time() == null ? "" : e.time()));
        List<Entry> out = new ArrayList<>(entries);
        Map<String, Entry> firstByVersion = new LinkedHashMap<>();
        int count = updaters.size();
        for (int i = 0; i < updaters.size() && count > MAX_UPDATE_MANAGERS; i++) {
            Entry e = updaters.get(i);
            Entry first = firstByVersion.get(e.apiVersion());
            if (first == null) {
                firstByVersion.put(e.apiVersion(), e);
                continue;
            }
            out.remove(first);
            out.remove(e);
            Entry bucket = new Entry(ANCIENT_CHANGES, ManagedFields.UPDATE, e.apiVersion(), e.time(), "", first.fields().union(e.fields()));
            out.add(bucket);
            firstByVersion.put(e.apiVersion(), bucket);
            count--;
        }
        return out;
    }

    // ---- Apply

    /**
     * A server-side apply of config to live (null: the apply creates the object). Returns the
     * object to store, with its managedFields; a conflict is upstream's 409.
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode config, Writer w, boolean force, Instant now) {
        if (config.path("metadata").has("managedFields")) {
            throw StatusError.badRequest("metadata.managedFields must be nil");
        }
        checkKeys(config, w.meta(), "");
        PatchMeta meta = w.meta();
        ObjectNode base = live == null ? Json.object() : live.deepCopy();
        List<Entry> entries = live == null ? new ArrayList<>() : decodeOrEmpty(live);
        if (live != null && entries.isEmpty()) {
            // written before field management knew it: everything there so far is "before-first-apply"'s
            ObjectNode existing = strip(live, Part.ALL);
            FieldSet all = ObjectFields.compare(emptyLike(existing), existing, meta).added();
            if (!all.isEmpty()) {
                entries.add(new Entry(BEFORE_FIRST_APPLY, ManagedFields.UPDATE, w.apiVersion(), Json.timestamp(now), "", all));
            }
        }
        Json.metadata(base).remove("managedFields");
        FieldSet applied = ObjectFields.of(strip(config, w.part()), meta);
        ObjectNode merged = (ObjectNode) Merge.merge(base, config, meta);

        Entry last = null;
        List<Entry> others = new ArrayList<>();
        for (Entry e : entries) {
            if (e.sameManager(w.manager(), ManagedFields.APPLY, w.apiVersion(), w.subresource())) {
                last = e;
            } else {
                others.add(e);
            }
        }
        if (last != null) {
            prune(merged, last.fields().difference(applied), applied, others, meta);
        }

        Comparison c = ObjectFields.compare(strip(base, w.part()), strip(merged, w.part()), meta);
        Map<Entry, FieldSet> conflicts = new LinkedHashMap<>();
        for (Entry e : others) {
            FieldSet x = e.fields().intersection(c.changed());
            if (!x.isEmpty()) {
                conflicts.put(e, x);
            }
        }
        if (!conflicts.isEmpty() && !force) {
            FieldSet allowed = w.manager().equals(KUBECTL) && live != null ? lastAppliedFields(live, w) : null;
            if (allowed != null) {
                // upstream's lastAppliedManager: what client-side apply last applied and is still live is taken over
                conflicts.replaceAll((e, x) -> x.difference(allowed));
                conflicts.values().removeIf(FieldSet::isEmpty);
            }
            if (!conflicts.isEmpty()) {
                throw conflictError(conflicts);
            }
            force = true;
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : others) {
            FieldSet kept = e.fields().difference(c.removed());
            if (force) {
                kept = kept.difference(c.changed());
            }
            if (!kept.isEmpty()) {
                out.add(e.withFields(kept));
            }
        }
        if (!applied.isEmpty()) {
            boolean unchanged = last != null && last.fields().equals(applied) && c.isSame();
            out.add(new Entry(w.manager(), ManagedFields.APPLY, w.apiVersion(), unchanged ? last.time() : Json.timestamp(now),
                    w.subresource(), applied));
        }
        keepLastAppliedCurrent(merged, config, w);
        ManagedFields.write(merged, out);
        return merged;
    }

    /**
     * Removes what the applier gave up (applied before, not now), unless another manager owns
     * it or something below it (upstream's prune, with owned items added back).
     */
    private static void prune(ObjectNode merged, FieldSet givenUp, FieldSet applied, List<Entry> others, PatchMeta meta) {
        for (List<String> path : givenUp.members()) {
            boolean ownedElsewhere = applied.hasAtOrBelow(path);
            for (Entry e : others) {
                ownedElsewhere |= e.fields().hasAtOrBelow(path);
            }
            if (!ownedElsewhere) {
                Merge.remove(merged, path, meta);
            }
        }
    }

    /** A map list item without one of its keys cannot be applied (upstream's typed conversion refuses it). */
    private static void checkKeys(JsonNode value, PatchMeta meta, String path) {
        if (value.isObject() && !meta.atomic()) {
            value.fields().forEachRemaining(e -> checkKeys(e.getValue(), meta.field(e.getKey()), path + "." + e.getKey()));
            return;
        }
        ListSemantics ls = meta.listSemantics();
        if (value.isArray() && ls.type() == ListType.MAP) {
            for (int i = 0; i < value.size(); i++) {
                String missing = ObjectFields.missingKey(value.get(i), ls);
                if (missing != null) {
                    throw StatusError.badRequest(path + ": element " + i + ": associative list with keys has an element that omits key field \""
                            + missing + "\" (and doesn't have default value)");
                }
                checkKeys(value.get(i), meta, path + "[" + i + "]");
            }
        }
    }

    /**
     * The fields client-side apply still holds: those of the last-applied annotation whose values
     * the live object still has (upstream {@code lastappliedmanager.go}); null without one.
     */
    private static FieldSet lastAppliedFields(ObjectNode live, Writer w) {
        String text = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (text.isEmpty()) {
            return null;
        }
        ObjectNode lastApplied;
        try {
            lastApplied = Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
        if (!lastApplied.path("apiVersion").asText().equals(w.apiVersion())) {
            return null;
        }
        ObjectNode la = strip(lastApplied, w.part());
        Comparison c = ObjectFields.compare(la, strip(live, w.part()), w.meta());
        return ObjectFields.of(la, w.meta()).difference(c.modified()).difference(c.added()).difference(c.removed());
    }

    /** kubectl's server-side apply rewrites an existing last-applied annotation so a later client-side apply still works (upstream lastAppliedUpdater). */
    private static void keepLastAppliedCurrent(ObjectNode merged, ObjectNode config, Writer w) {
        JsonNode annotations = merged.path("metadata").path("annotations");
        if (!w.manager().equals(KUBECTL) || !annotations.has(LAST_APPLIED)) {
            return;
        }
        ObjectNode copy = config.deepCopy();
        if (copy.path("metadata").path("annotations") instanceof ObjectNode a) {
            a.remove(LAST_APPLIED);
            if (a.isEmpty()) {
                Json.metadata(copy).remove("annotations");
            }
        }
        ((ObjectNode) annotations).put(LAST_APPLIED, copy.toString());
    }

    /**
     * Upstream's apply conflict: 409 Conflict, a cause of type FieldManagerConflict per field,
     * and {@code Apply failed with 1 conflict: conflict with "m": .spec.replicas}, or for several
     * the fields grouped under each manager.
     */
    static StatusError conflictError(Map<Entry, FieldSet> conflicts) {
        ArrayNode causes = Json.array();
        List<String> lines = new ArrayList<>();
        int count = 0;
        String only = null;
        List<Map.Entry<Entry, FieldSet>> byManager = new ArrayList<>(conflicts.entrySet());
        byManager.sort(Comparator.comparing(e -> e.getKey().manager()));
        for (Map.Entry<Entry, FieldSet> e : byManager) {
            String who = e.getKey().printed();
            lines.add("conflicts with " + who + ":");
            for (List<String> path : e.getValue().members()) {
                String field = FieldSet.pathString(path);
                causes.addObject().put("reason", "FieldManagerConflict").put("message", "conflict with " + who).put("field", field);
                lines.add("- " + field);
                only = "conflict with " + who + ": " + field;
                count++;
            }
        }
        String message = count == 1 ? "Apply failed with 1 conflict: " + only
                : "Apply failed with " + count + " conflicts: " + String.join("\n", lines);
        ObjectNode details = Json.object();
        details.set("causes", causes);
        return new StatusError(409, "Conflict", message, details);
    }

    // ---- helpers

    /**
     * The part of an object whose fields are managed: without the type and the metadata only
     * the server sets (upstream's stripMeta), and without status or all but status, as the
     * write's part says.
     */
    static ObjectNode strip(ObjectNode object, Part part) {
        ObjectNode o = object.deepCopy();
        o.remove("apiVersion");
        o.remove("kind");
        if (o.get("metadata") instanceof ObjectNode meta) {
            for (String f : new String[] {"name", "namespace", "creationTimestamp", "selfLink", "uid", "generation",
                    "managedFields", "resourceVersion"}) {
                meta.remove(f);
            }
            if (meta.isEmpty()) {
                o.remove("metadata");
            }
        }
        switch (part) {
            case ALL_BUT_STATUS -> o.remove("status");
            case STATUS -> o.retain("status");
            default -> { }
        }
        return o;
    }

    /**
     * What a create is compared with: an empty object whose metadata, spec and status already
     * exist (upstream compares with the kind's zero value, where these are empty structs), so
     * they are not owned as fields of their own.
     */
    private static ObjectNode emptyLike(ObjectNode object) {
        ObjectNode o = Json.object();
        for (String f : new String[] {"metadata", "spec", "status"}) {
            if (object.get(f) instanceof ObjectNode) {
                o.putObject(f);
            }
        }
        return o;
    }
}
