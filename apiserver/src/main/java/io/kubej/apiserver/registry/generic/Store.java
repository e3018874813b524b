package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.storage.cacher.Cacher;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage.Versioned;
import io.kubej.apiserver.storage.etcd3.ResourceStorage;
import io.kubej.apiserver.storage.etcd3.ResourceStorage.ListPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The generic registry of one resource (upstream {@code registry/generic/registry/store.go}):
 * turns REST verbs into storage operations, applying the resource's strategy. It owns what is
 * the same for every resource: server-set metadata (uid, creationTimestamp, generation,
 * resourceVersion), optimistic concurrency, status vs. spec on updates, finalizers, graceful
 * deletion, and which revision a list or watch reads at.
 */
public final class Store {
    /** Which part of the object an update may change. */
    public enum UpdateScope {
        /** The main resource: spec and metadata, never status. */
        MAIN,
        /** {@code /status}: status only. */
        STATUS,
        /** A namespace's {@code /finalize}: spec.finalizers only. */
        FINALIZE,
        /** A subresource that edits the whole object itself, such as a pod's binding. */
        SUBRESOURCE
    }

    private static final int MAX_RETRIES = 20;

    private final Resource resource;
    private final ResourceStorage storage;
    private final Cacher cache; // null without --watch-cache

    /** @param watchCache serve watches and {@code resourceVersion=0} lists from a watch cache ({@code --watch-cache}) */
    public Store(Resource resource, Etcd3Storage etcd, boolean watchCache) {
        this.resource = resource;
        this.storage = etcd.forResource(resource.group(), resource.plural(), resource.etcdResource(), resource.namespaced());
        // review kinds are never stored, so there is nothing to cache
        this.cache = watchCache && resource.review() == null ? new Cacher(resource.qualifiedName(), storage) : null;
    }

    /** Starts the watch cache (one list and one etcd watch; retried in the background if it fails); a no-op without one. */
    public void startCache() {
        if (cache != null) {
            cache.startOrRetry();
        }
    }

    public void close() {
        if (cache != null) {
            cache.close();
        }
    }

    public Resource resource() {
        return resource;
    }

    private RESTStrategy strategy() {
        return resource.strategy();
    }

    public ObjectNode get(String namespace, String name) {
        return storage.get(namespace, name).map(Versioned::object).map(this::asServed).orElseThrow(() -> notFound(name));
    }

    /** The object, or empty when it does not exist. */
    public Optional<ObjectNode> find(String namespace, String name) {
        return storage.get(namespace, name).map(Versioned::object).map(this::asServed);
    }

    /**
     * A read for checks on the hot path (admission): from the watch cache when it has the
     * object, else from etcd, since the cache may not have seen a write of a moment ago.
     */
    public Optional<ObjectNode> findQuickly(String namespace, String name) {
        if (cache != null) {
            ObjectNode cached = cache.get(namespace, name);
            if (cached != null) {
                return Optional.of(asServed(cached));
            }
        }
        return find(namespace, name);
    }

    /**
     * A stored object as this version serves it: through the registration's Conversion when it
     * has one (events.k8s.io Events are stored as core Events). Otherwise only apiVersion can
     * differ (the versions of a custom resource share one storage, conversion strategy None);
     * an object already in this version is returned as it is.
     */
    private ObjectNode asServed(ObjectNode o) {
        if (resource.conversion() != null) {
            return resource.conversion().fromStorage(o);
        }
        if (o.path("apiVersion").asText().equals(resource.groupVersion())) {
            return o;
        }
        ObjectNode copy = o.deepCopy();
        copy.put("apiVersion", resource.groupVersion());
        return copy;
    }

    /** The object as written to storage: converted when this version is stored in another's shape. */
    private ObjectNode toStored(ObjectNode served) {
        return resource.conversion() != null ? resource.conversion().toStorage(served) : served;
    }

    private ListPage asServed(ListPage page) {
        List<ObjectNode> items = new ArrayList<>(page.items().size());
        page.items().forEach(o -> items.add(asServed(o)));
        return new ListPage(items, page.revision(), page.continueToken());
    }

    private StatusError notFound(String name) {
        return StatusError.notFound(resource.group(), resource.plural(), name);
    }

    /**
     * List (upstream {@code Store.List} over {@code GetList}): which revision is read follows the
     * resourceVersion semantics of the API concepts page. Unset: the most recent (a quorum read
     * of etcd). "0": any (kubej reads the most recent too). Any other value with NotOlderThan
     * (the default): at least that new, and a value etcd has not reached yet is 504
     * ResourceVersionTooLarge. With Exact: exactly that revision, or 410 when it is compacted.
     * With a watch cache, "0" and NotOlderThan are answered from memory; unset, Exact and
     * continued lists always read etcd.
     */
    public ListPage list(String namespace, ListOptions options) {
        long revision = 0;
        String rv = options.resourceVersion();
        boolean fromCache = cache != null && rv != null && !rv.isEmpty() && !"Exact".equals(options.resourceVersionMatch())
                && (options.continueToken() == null || options.continueToken().isEmpty());
        if (fromCache) {
            return asServed(cache.list(namespace, options, Long.parseLong(rv)));
        }
        if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
            long requested = Long.parseLong(rv);
            checkNotTooLarge(requested);
            if ("Exact".equals(options.resourceVersionMatch())) {
                revision = requested;
            }
        }
        try {
            return asServed(storage.list(namespace, revision, options.continueToken(), options.limit(), options::matches));
        } catch (Etcd3Storage.Compacted e) {
            throw StatusError.expired("too old resource version: " + revision + " (" + e.compactRevision() + ")");
        }
    }

    /**
     * Watch (upstream {@code Store.Watch}): without a resourceVersion, or with "0", the watch
     * starts with an ADDED event per existing object; with one, it continues exactly after it.
     * {@code sendInitialEvents=true} (watch-list) asks for the initial objects explicitly.
     */
    public WatchStream watch(String namespace, ListOptions options) {
        if (cache != null) {
            WatchStream cached = cache.watch(namespace, options);
            cached.servedAs(this::asServed);
            return cached;
        }
        boolean initialEvents = options.wantsInitialEvents();
        long from;
        List<ObjectNode> initial = List.of();
        if (options.startsFromNow() || initialEvents) {
            ListPage now = storage.list(namespace, 0, null, 0, options::matches);
            initial = initialEvents ? now.items() : List.of();
            from = now.revision() + 1;
        } else {
            long requested = Long.parseLong(options.resourceVersion());
            checkNotTooLarge(requested);
            try {
                storage.checkNotCompacted(namespace, requested);
            } catch (Etcd3Storage.Compacted e) {
                throw StatusError.expired("too old resource version: " + requested
                        + (e.compactRevision() > 0 ? " (" + e.compactRevision() + ")" : ""));
            }
            from = requested + 1;
        }
        WatchStream stream = new WatchStream(initial, options, namespace, from - 1);
        stream.servedAs(this::asServed);
        stream.attach(storage.watch(namespace, from, stream::offer, stream::offer));
        return stream;
    }

    /** A resourceVersion etcd has not reached yet is upstream's 504 Timeout, reason ResourceVersionTooLarge. */
    private void checkNotTooLarge(long rv) {
        long current = storage.currentRevision();
        if (rv > current) {
            throw StatusError.tooLargeResourceVersion(rv, current, 1);
        }
    }

    /** The current revision of the whole store (what an empty list answers). */
    public long currentRevision() {
        return storage.currentRevision();
    }

    public ObjectNode create(String namespace, ObjectNode object) {
        return create(namespace, object, false);
    }

    /**
     * Create: server-set metadata, defaults, validation, the strategy's begin-create step (a
     * Service's ClusterIP), then an etcd create-if-absent. A dry run ({@code ?dryRun=All}) does
     * every step except allocations and the write.
     */
    public ObjectNode create(String namespace, ObjectNode object, boolean dryRun) {
        ObjectNode meta = Json.metadata(object);
        setTypeMeta(object);
        if (resource.namespaced()) {
            String bodyNs = meta.path("namespace").asText("");
            if (!bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
                throw StatusError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            meta.put("namespace", namespace);
        } else {
            meta.remove("namespace");
        }
        if (meta.path("name").asText("").isEmpty() && !meta.path("generateName").asText("").isEmpty()) {
            meta.put("name", meta.path("generateName").asText() + randomSuffix());
        }
        if (meta.hasNonNull("resourceVersion") && !meta.get("resourceVersion").asText().isEmpty()) {
            throw StatusError.badRequest("resourceVersion should not be set on objects to be created");
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Json.timestamp(Instant.now()));
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        if (strategy().hasStatus() || object.has("spec")) {
            meta.put("generation", 1);
        }
        strategy().prepareForCreate(object);
        List<Cause> causes = validateObject(object);
        causes.addAll(strategy().validateCreate(object));
        validate(causes, object);
        String name = meta.path("name").asText();
        if (dryRun) {
            if (storage.get(namespace, name).isPresent()) {
                throw StatusError.alreadyExists(resource.group(), resource.plural(), name);
            }
            return object;
        }
        RESTStrategy.FinishFunc finish = strategy().beginCreate(object);
        boolean created = false;
        try {
            Optional<ObjectNode> stored = storage.create(namespace, name, toStored(object));
            if (stored.isEmpty()) {
                throw StatusError.alreadyExists(resource.group(), resource.plural(), name);
            }
            created = true;
            return asServed(stored.get());
        } finally {
            finish.finish(created);
        }
    }

    /** ObjectMeta as upstream's ValidateObjectMeta checks it for every kind, then the kind's own rules. */
    private List<Cause> validateObject(ObjectNode object) {
        List<Cause> causes = new ArrayList<>(Validation.validateObjectMeta(object, resource.nameRule()));
        causes.addAll(strategy().validate(object));
        return causes;
    }

    private void validate(List<Cause> causes, ObjectNode object) {
        if (!causes.isEmpty()) {
            throw StatusError.invalid(resource.group(), resource.kind(), object.path("metadata").path("name").asText(""), causes);
        }
    }

    private void setTypeMeta(ObjectNode object) {
        object.put("apiVersion", resource.groupVersion());
        object.put("kind", resource.kind());
    }

    private static String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    public ObjectNode update(String namespace, String name, UnaryOperator<ObjectNode> tryUpdate) {
        return update(namespace, name, UpdateScope.MAIN, false, tryUpdate);
    }

    /**
     * Read-modify-write with optimistic concurrency (upstream {@code GuaranteedUpdate}): read the
     * current object, compute the desired one, write it only if nobody wrote in between. If the
     * caller named a resourceVersion, a mismatch is the user's 409; otherwise a lost race simply
     * retries on the fresh object.
     *
     * @param dryRun compute and validate the result, write nothing (the answer keeps the current resourceVersion)
     */
    public ObjectNode update(String namespace, String name, UpdateScope scope, boolean dryRun, UnaryOperator<ObjectNode> tryUpdate) {
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            Versioned current = storage.get(namespace, name).orElseThrow(() -> notFound(name));
            ObjectNode old = asServed(current.object());
            ObjectNode desired = tryUpdate.apply(old.deepCopy());
            String wantedRv = desired.path("metadata").path("resourceVersion").asText("");
            if (!wantedRv.isEmpty() && !wantedRv.equals(Long.toString(current.modRevision()))) {
                throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
            }
            String bodyName = desired.path("metadata").path("name").asText("");
            if (!bodyName.isEmpty() && !bodyName.equals(name)) {
                throw StatusError.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
            }
            ObjectNode updated = prepareUpdate(desired, old, scope);
            if (dryRun) {
                Json.metadata(updated).put("resourceVersion", Long.toString(current.modRevision()));
                return updated;
            }
            if (shouldRemoveNow(updated)) {
                if (storage.deleteIf(namespace, name, current.modRevision())) {
                    strategy().afterDelete(updated);
                    return updated;
                }
                continue;
            }
            if (updated.equals(withoutResourceVersion(old)) && !current.stale()) {
                // nothing changed: upstream skips the write and keeps the resourceVersion, unless the
                // value is stored under an old encryption key (then the write re-encrypts it)
                return old;
            }
            RESTStrategy.FinishFunc finish = strategy().beginUpdate(updated, old);
            boolean written = false;
            try {
                Optional<ObjectNode> stored = storage.updateIf(namespace, name, current.modRevision(), toStored(updated));
                if (stored.isPresent()) {
                    written = true;
                    return asServed(stored.get());
                }
            } finally {
                finish.finish(written);
            }
            if (!wantedRv.isEmpty()) {
                throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
            }
        }
        throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
    }

    /** The stored object as prepareUpdate's result looks when nothing changed (it never carries a resourceVersion). */
    private static ObjectNode withoutResourceVersion(ObjectNode stored) {
        ObjectNode o = stored.deepCopy();
        Json.metadata(o).remove("resourceVersion");
        return o;
    }

    /** What an update may change, by scope; then the strategy's defaults and validation. */
    private ObjectNode prepareUpdate(ObjectNode desired, ObjectNode old, UpdateScope scope) {
        ObjectNode updated;
        switch (scope) {
            case STATUS -> {
                // Status writers change status only (upstream ResetObjectMetaForStatus + spec reset).
                updated = old.deepCopy();
                if (desired.has("status")) {
                    updated.set("status", desired.get("status"));
                }
                keepManagedFields(updated, desired);
            }
            case FINALIZE -> {
                updated = old.deepCopy();
                Json.obj(updated, "spec").set("finalizers", desired.path("spec").path("finalizers").isArray()
                        ? desired.path("spec").get("finalizers") : Json.array());
            }
            case MAIN -> {
                updated = desired;
                if (strategy().hasStatus()) {
                    if (old.has("status")) {
                        updated.set("status", old.get("status"));
                    } else {
                        updated.remove("status");
                    }
                }
            }
            default -> updated = desired;
        }
        setTypeMeta(updated);
        ObjectNode meta = Json.metadata(updated);
        JsonNode oldMeta = old.path("metadata");
        // Fields only the server sets survive whatever the client sent.
        for (String f : new String[] {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"}) {
            if (oldMeta.has(f)) {
                meta.set(f, oldMeta.get(f));
            } else {
                meta.remove(f);
            }
        }
        meta.remove("resourceVersion");
        List<Cause> causes = new ArrayList<>();
        if (scope == UpdateScope.MAIN || scope == UpdateScope.SUBRESOURCE) {
            strategy().prepareForUpdate(updated, old);
        }
        // generation counts changes of the (final) spec; a controller compares it with observedGeneration.
        if (oldMeta.has("generation")) {
            long generation = oldMeta.path("generation").asLong();
            boolean specChanged = !Objects.equals(old.get("spec"), updated.get("spec"));
            meta.put("generation", specChanged ? generation + 1 : generation);
        }
        causes.addAll(validateObject(updated));
        if (scope == UpdateScope.MAIN) {
            causes.addAll(strategy().validateUpdate(updated, old));
        }
        validate(causes, updated);
        return updated;
    }

    /** A status write records itself in managedFields (its own entry), the one part of metadata it may change. */
    private static void keepManagedFields(ObjectNode updated, ObjectNode desired) {
        JsonNode managed = desired.path("metadata").get("managedFields");
        if (managed != null) {
            Json.metadata(updated).set("managedFields", managed);
        } else {
            Json.metadata(updated).remove("managedFields");
        }
    }

    /** A deleting object with no finalizers left and no grace period to wait for is removed. */
    private boolean shouldRemoveNow(ObjectNode object) {
        JsonNode meta = object.path("metadata");
        return meta.has("deletionTimestamp") && meta.path("finalizers").isEmpty()
                && meta.path("deletionGracePeriodSeconds").asLong(0) == 0
                && !strategy().keepsWhileFinalizing(object);
    }

    /**
     * Delete (upstream {@code Store.Delete}): objects with finalizers, and pods bound to a node,
     * are only marked (deletionTimestamp) and stay until their finalizers are gone or the kubelet
     * deletes again with gracePeriodSeconds=0; everything else is removed now. Deleting an
     * object that is already being deleted changes nothing unless it shortens the grace period.
     * A dry run answers what would happen and writes nothing.
     */
    public ObjectNode delete(String namespace, String name, DeleteOptions options) {
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            Versioned current = storage.get(namespace, name).orElseThrow(() -> notFound(name));
            ObjectNode obj = asServed(current.object()).deepCopy();
            ObjectNode before = obj.deepCopy();
            ObjectNode meta = Json.metadata(obj);
            checkPreconditions(name, meta, current.modRevision(), options);
            long grace = strategy().gracePeriodSeconds(obj, options.gracePeriodSeconds());
            ArrayNode finalizers = meta.has("finalizers") && meta.get("finalizers").isArray()
                    ? (ArrayNode) meta.get("finalizers") : meta.putArray("finalizers");
            boolean alreadyDeleting = meta.has("deletionTimestamp");
            if (!alreadyDeleting) {
                if ("Foreground".equals(options.propagationPolicy())) {
                    addFinalizer(finalizers, "foregroundDeletion");
                } else if ("Orphan".equals(options.propagationPolicy())) {
                    addFinalizer(finalizers, "orphan");
                }
            }
            if (finalizers.isEmpty()) {
                meta.remove("finalizers");
            }
            boolean keep = grace > 0 || !finalizers.isEmpty() || strategy().keepsWhileFinalizing(obj);
            if (!keep) {
                if (options.dryRun()) {
                    return obj;
                }
                if (storage.deleteIf(namespace, name, current.modRevision())) {
                    strategy().afterDelete(obj);
                    return obj;
                }
                continue;
            }
            // Mark for deletion; a shorter grace period may replace a longer one, never the reverse.
            long existing = meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
            if (!alreadyDeleting || grace < existing) {
                meta.put("deletionTimestamp", Json.timestamp(Instant.now().plusSeconds(grace)));
                meta.put("deletionGracePeriodSeconds", grace);
            }
            strategy().prepareForDelete(obj);
            if (options.dryRun() || obj.equals(before)) {
                return before; // nothing to change: a repeated delete does not bump the resourceVersion
            }
            meta.remove("resourceVersion");
            Optional<ObjectNode> written = storage.updateIf(namespace, name, current.modRevision(), toStored(obj));
            if (written.isPresent()) {
                return asServed(written.get());
            }
        }
        throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
    }

    private void checkPreconditions(String name, ObjectNode meta, long modRevision, DeleteOptions options) {
        if (options.preconditionUid() != null && !options.preconditionUid().equals(meta.path("uid").asText())) {
            throw StatusError.conflict(resource.group(), resource.plural(), name,
                    "Precondition failed: UID in precondition: " + options.preconditionUid() + ", UID in object meta: " + meta.path("uid").asText());
        }
        if (options.preconditionResourceVersion() != null && !options.preconditionResourceVersion().equals(Long.toString(modRevision))) {
            throw StatusError.conflict(resource.group(), resource.plural(), name,
                    "Precondition failed: ResourceVersion in precondition: " + options.preconditionResourceVersion()
                            + ", ResourceVersion in object meta: " + modRevision);
        }
    }

    /**
     * Delete every object in a namespace (or all) that the selectors match (upstream
     * {@code Store.DeleteCollection}); each goes through {@link #delete}, so finalizers and
     * grace periods apply. Answers the objects as the deletes left them.
     */
    public List<ObjectNode> deleteCollection(String namespace, ListOptions listOptions, DeleteOptions options) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : storage.list(namespace, 0, null, 0, listOptions::matches).items()) {
            try {
                out.add(delete(o.path("metadata").path("namespace").asText(null), o.path("metadata").path("name").asText(), options));
            } catch (StatusError e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        return out;
    }

    private static void addFinalizer(ArrayNode finalizers, String f) {
        for (JsonNode n : finalizers) {
            if (n.asText().equals(f)) {
                return;
            }
        }
        finalizers.add(f);
    }
}
