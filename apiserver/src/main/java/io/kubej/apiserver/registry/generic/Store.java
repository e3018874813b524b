package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage.Versioned;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The generic registry of one resource (upstream {@code registry/generic/registry/store.go}):
 * turns REST verbs into storage operations, applying the resource's strategy. It owns what is
 * the same for every resource: server-set metadata (uid, creationTimestamp, generation,
 * resourceVersion), optimistic concurrency, status vs. spec on updates, finalizers and
 * graceful deletion.
 */
public final class Store {
    private final Resource resource;
    private final Etcd3Storage storage;
    private final String prefix;

    public Store(Resource resource, Etcd3Storage storage, String etcdPrefix) {
        this.resource = resource;
        this.storage = storage;
        this.prefix = etcdPrefix;
    }

    public Resource resource() {
        return resource;
    }

    /** {@code /registry/pods/default/web-0} or {@code /registry/minions/worker-0}. */
    public String key(String namespace, String name) {
        return resource.namespaced() ? prefix + "/" + resource.etcdResource() + "/" + namespace + "/" + name
                : prefix + "/" + resource.etcdResource() + "/" + name;
    }

    /** The key prefix of a list: one namespace, or everything when namespace is null. */
    public String listPrefix(String namespace) {
        return resource.namespaced() && namespace != null && !namespace.isEmpty()
                ? prefix + "/" + resource.etcdResource() + "/" + namespace + "/"
                : prefix + "/" + resource.etcdResource() + "/";
    }

    public Etcd3Storage storage() {
        return storage;
    }

    public ObjectNode get(String namespace, String name) {
        return storage.get(key(namespace, name)).map(Versioned::object)
                .orElseThrow(() -> notFound(name));
    }

    private StatusError notFound(String name) {
        return StatusError.notFound(resource.group(), resource.plural(), name);
    }

    public ObjectNode create(String namespace, ObjectNode object) {
        return create(namespace, object, false);
    }

    /**
     * Create: server-set metadata, defaults, validation, then an etcd create-if-absent. A dry run
     * ({@code ?dryRun=All}) does every step except the writes (no ClusterIP allocated either).
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
        if (resource.strategy().hasStatus() || object.has("spec")) {
            meta.put("generation", 1);
        }
        resource.strategy().prepareForCreate(object);
        validate(object);
        String name = meta.path("name").asText();
        if (dryRun) {
            if (storage.get(key(namespace, name)).isPresent()) {
                throw StatusError.alreadyExists(resource.group(), resource.plural(), name);
            }
            return object;
        }
        if (resource.strategy() instanceof io.kubej.apiserver.registry.core.service.ServiceStrategy svc) {
            svc.allocate(object);
        }
        Optional<ObjectNode> created;
        try {
            created = storage.create(key(namespace, name), object);
        } catch (RuntimeException e) {
            releaseAfterFailedCreate(object, e);
            throw e;
        }
        if (created.isEmpty()) {
            releaseAfterFailedCreate(object, null);
            throw StatusError.alreadyExists(resource.group(), resource.plural(), name);
        }
        return created.get();
    }

    /**
     * A create whose write did not happen (the name exists, etcd refused or failed) gives back
     * what was allocated for it, such as a Service's ClusterIP; otherwise the IP leaks forever.
     * A failure of the release itself must not hide the create's own error.
     */
    private void releaseAfterFailedCreate(ObjectNode object, RuntimeException cause) {
        try {
            resource.strategy().afterDelete(object);
        } catch (RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    private void validate(ObjectNode object) {
        List<Cause> causes = resource.strategy().validate(object);
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

    /**
     * Read-modify-write with optimistic concurrency (upstream {@code GuaranteedUpdate}): read the
     * current object, compute the desired one, write it only if nobody wrote in between. If the
     * caller named a resourceVersion, a mismatch is the user's 409; otherwise a lost race simply
     * retries on the fresh object.
     *
     * @param subresource null for the main resource, or "status"
     * @param dryRun compute and validate the result, write nothing (the answer keeps the current resourceVersion)
     */
    public ObjectNode update(String namespace, String name, String subresource, boolean dryRun, Function<ObjectNode, ObjectNode> tryUpdate) {
        String key = key(namespace, name);
        for (int attempt = 0; attempt < 20; attempt++) {
            Versioned current = storage.get(key).orElseThrow(() -> notFound(name));
            ObjectNode old = current.object();
            ObjectNode desired = tryUpdate.apply(old.deepCopy());
            String wantedRv = desired.path("metadata").path("resourceVersion").asText("");
            if (!wantedRv.isEmpty() && !wantedRv.equals(Long.toString(current.modRevision()))) {
                throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
            }
            String bodyName = desired.path("metadata").path("name").asText("");
            if (!bodyName.isEmpty() && !bodyName.equals(name)) {
                throw StatusError.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
            }
            ObjectNode updated = prepareUpdate(desired, old, subresource);
            if (dryRun) {
                Json.metadata(updated).put("resourceVersion", Long.toString(current.modRevision()));
                return updated;
            }
            if (shouldRemoveNow(updated)) {
                if (storage.deleteIf(key, current.modRevision())) {
                    resource.strategy().afterDelete(updated);
                    return updated;
                }
                continue;
            }
            if (updated.equals(withoutResourceVersion(old))) {
                return old; // nothing changed: upstream skips the write and keeps the resourceVersion
            }
            Optional<ObjectNode> written = storage.updateIf(key, current.modRevision(), updated);
            if (written.isPresent()) {
                return written.get();
            }
            if (!wantedRv.isEmpty()) {
                throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
            }
        }
        throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
    }

    public ObjectNode update(String namespace, String name, String subresource, Function<ObjectNode, ObjectNode> tryUpdate) {
        return update(namespace, name, subresource, false, tryUpdate);
    }

    /** The stored object as prepareUpdate's result looks when nothing changed (it never carries a resourceVersion). */
    private static ObjectNode withoutResourceVersion(ObjectNode stored) {
        ObjectNode o = stored.deepCopy();
        Json.metadata(o).remove("resourceVersion");
        return o;
    }

    /** What an update may change: status only via /status, spec and metadata only via the main resource. */
    private ObjectNode prepareUpdate(ObjectNode desired, ObjectNode old, String subresource) {
        ObjectNode updated;
        if ("status".equals(subresource)) {
            updated = old.deepCopy();
            if (desired.has("status")) {
                updated.set("status", desired.get("status"));
            }
        } else {
            updated = desired;
            if (resource.strategy().hasStatus() && !"binding".equals(subresource)) {
                if (old.has("status")) {
                    updated.set("status", old.get("status"));
                } else {
                    updated.remove("status");
                }
            }
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
        if (!"status".equals(subresource)) {
            resource.strategy().prepareForUpdate(updated, old);
        }
        // generation counts changes of the (final) spec; a controller compares it with observedGeneration.
        if (oldMeta.has("generation")) {
            long generation = oldMeta.path("generation").asLong();
            boolean specChanged = !java.util.Objects.equals(old.get("spec"), updated.get("spec"));
            meta.put("generation", specChanged ? generation + 1 : generation);
        }
        validate(updated);
        return updated;
    }

    /** A deleting object with no finalizers left and no grace period to wait for is removed. */
    private boolean shouldRemoveNow(ObjectNode object) {
        JsonNode meta = object.path("metadata");
        return meta.has("deletionTimestamp") && meta.path("finalizers").isEmpty()
                && meta.path("deletionGracePeriodSeconds").asLong(0) == 0;
    }

    /**
     * Delete (upstream {@code Store.Delete}): objects with finalizers, and pods bound to a node,
     * are only marked (deletionTimestamp) and stay until their finalizers are gone or the kubelet
     * deletes again with gracePeriodSeconds=0; everything else is removed now. A dry run answers
     * what would happen and writes nothing.
     */
    public ObjectNode delete(String namespace, String name, Long gracePeriodSeconds, String propagationPolicy,
                             String preconditionUid, String preconditionRv, boolean dryRun) {
        String key = key(namespace, name);
        for (int attempt = 0; attempt < 20; attempt++) {
            Versioned current = storage.get(key).orElseThrow(() -> notFound(name));
            ObjectNode obj = current.object();
            ObjectNode meta = Json.metadata(obj);
            if (preconditionUid != null && !preconditionUid.equals(meta.path("uid").asText())) {
                throw StatusError.conflict(resource.group(), resource.plural(), name,
                        "Precondition failed: UID in precondition: " + preconditionUid + ", UID in object meta: " + meta.path("uid").asText());
            }
            if (preconditionRv != null && !preconditionRv.equals(Long.toString(current.modRevision()))) {
                throw StatusError.conflict(resource.group(), resource.plural(), name,
                        "Precondition failed: ResourceVersion in precondition: " + preconditionRv
                                + ", ResourceVersion in object meta: " + current.modRevision());
            }
            long grace = resource.strategy().gracePeriodSeconds(obj, gracePeriodSeconds);
            ArrayNode finalizers = meta.has("finalizers") && meta.get("finalizers").isArray()
                    ? (ArrayNode) meta.get("finalizers") : meta.putArray("finalizers");
            if ("Foreground".equals(propagationPolicy)) {
                addFinalizer(finalizers, "foregroundDeletion");
            } else if ("Orphan".equals(propagationPolicy)) {
                addFinalizer(finalizers, "orphan");
            }
            if (finalizers.isEmpty()) {
                meta.remove("finalizers");
            }
            boolean graceful = grace > 0;
            if (!graceful && finalizers.isEmpty()) {
                if (dryRun) {
                    return obj;
                }
                if (storage.deleteIf(key, current.modRevision())) {
                    resource.strategy().afterDelete(obj);
                    return obj;
                }
                continue;
            }
            // Mark for deletion; a shorter grace period may replace a longer one, never the reverse.
            long existing = meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
            if (!meta.has("deletionTimestamp") || grace < existing) {
                meta.put("deletionTimestamp", Json.timestamp(Instant.now().plusSeconds(grace)));
                meta.put("deletionGracePeriodSeconds", grace);
            }
            if (dryRun) {
                return obj;
            }
            meta.remove("resourceVersion");
            Optional<ObjectNode> written = storage.updateIf(key, current.modRevision(), obj);
            if (written.isPresent()) {
                return written.get();
            }
        }
        throw StatusError.staleResourceVersion(resource.group(), resource.plural(), name);
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
