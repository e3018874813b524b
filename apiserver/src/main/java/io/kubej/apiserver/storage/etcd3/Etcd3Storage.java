package io.kubej.apiserver.storage.etcd3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.storage.ValueTransformer;
import io.kubej.apiserver.storage.value.ResourceTransformers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The storage layer over etcd v3 (upstream: apiserver {@code storage/etcd3/store.go}).
 *
 * <p>Why it looks like this: etcd's multi-version store gives Kubernetes its concurrency model.
 * An object's resourceVersion IS the etcd mod revision of its key; a create is a transaction
 * "if the key was never created"; an update is "if the key's mod revision is still the one I
 * read" (optimistic concurrency, no locks); a list answers with the store's revision so a watch
 * can continue exactly after it. resourceVersion is never stored in the value: it is filled in
 * from the revision on every read.
 */
public final class Etcd3Storage implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 15;

    /**
     * An object with the revision it was read at; stale when it is not stored the way a write
     * would store it now (an older encryption key or provider read it), so an update must write
     * it even when nothing changed.
     */
    public record Versioned(ObjectNode object, long modRevision, boolean stale) {
    }

    /** A list: the items and the revision they were read at (the resourceVersion a watch continues from). */
    public record ListResult(List<Versioned> items, long revision) {
    }

    /** One change seen by a watch; prev is null for a creation, object is null for a delete. */
    public record Event(String type, ObjectNode object, ObjectNode prev, long revision) {
    }

    /** The requested revision is older than etcd's compaction point (kept history). */
    public static final class Compacted extends RuntimeException {
        private final long compactRevision;

        public Compacted(long compactRevision) {
            super("required revision has been compacted");
            this.compactRevision = compactRevision;
        }

        /** The oldest revision etcd still has, or 0 if etcd did not say. */
        public long compactRevision() {
            return compactRevision;
        }
    }

    private final Client client;
    private final String prefix;
    private final ResourceTransformers transformers;

    /**
     * @param prefix       {@code --etcd-prefix}, {@code /registry} by default: every key kubej writes is below it
     * @param transformers what each resource's values pass through on their way to and from etcd
     *                     (encryption at rest, {@code --encryption-provider-config})
     */
    public Etcd3Storage(Client client, String prefix, ResourceTransformers transformers) {
        this.client = client;
        this.prefix = prefix;
        this.transformers = transformers;
    }

    /**
     * The storage of one resource: its keys are {@code <prefix>/<resourcePrefix>/<namespace>/<name>},
     * or {@code <prefix>/<resourcePrefix>/<name>} for a cluster-scoped one. Its values go through
     * the transformer the encryption config gives group/resource.
     */
    public ResourceStorage forResource(String group, String resource, String resourcePrefix, boolean namespaced) {
        return new ResourceStorage(this, prefix + "/" + resourcePrefix, namespaced, transformers.forResource(group, resource));
    }

    /** Small claim keys under {@code <prefix>/<segment>/}, as the IP and port allocators use. */
    public Markers markers(String segment) {
        return new Markers(this, prefix + "/" + segment + "/");
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusError.internal("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CompactedException c) {
                throw new Compacted(c.getCompactedRevision());
            }
            if (String.valueOf(e.getCause().getMessage()).contains("required revision has been compacted")) {
                throw new Compacted(0);
            }
            throw StatusError.internal("etcd: " + e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StatusError(504, "Timeout", "etcd did not answer in time", null);
        }
    }

    /**
     * Decodes a stored value and stamps the resourceVersion from its revision. A value this server
     * cannot decrypt (a key not in its encryption config) is a 500 naming the etcd key and the
     * key it was encrypted with, never garbage.
     */
    private Versioned decode(ValueTransformer transformer, KeyValue kv, long revision) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        ValueTransformer.Read read;
        try {
            read = transformer.fromStorage(key, kv.getValue().getBytes());
        } catch (ValueTransformer.TransformError e) {
            throw StatusError.internal(e.getMessage());
        }
        ObjectNode o;
        try {
            o = Json.parse(read.value());
        } catch (StatusError e) {
            throw StatusError.internal("the stored value of " + key + " is not a JSON object");
        }
        Json.metadata(o).put("resourceVersion", Long.toString(revision));
        return new Versioned(o, revision, read.stale());
    }

    private ByteSequence encode(ValueTransformer transformer, String key, ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        Json.metadata(copy).remove("resourceVersion");
        return ByteSequence.from(transformer.toStorage(key, Json.bytes(copy)));
    }

    /** Creates key; returns the stored object with its resourceVersion, or empty if it exists. */
    Optional<ObjectNode> create(ValueTransformer transformer, String key, ObjectNode object) {
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(bs(key), encode(transformer, key, object), PutOption.DEFAULT))
                .commit());
        if (!r.isSucceeded()) {
            return Optional.empty();
        }
        ObjectNode stored = object.deepCopy();
        Json.metadata(stored).put("resourceVersion", Long.toString(r.getHeader().getRevision()));
        return Optional.of(stored);
    }

    Optional<Versioned> get(ValueTransformer transformer, String key) {
        GetResponse r = await(client.getKVClient().get(bs(key)));
        if (r.getKvs().isEmpty()) {
            return Optional.empty();
        }
        KeyValue kv = r.getKvs().get(0);
        return Optional.of(decode(transformer, kv, kv.getModRevision()));
    }

    /** Writes object if key is still at modRevision; the new object, or empty on a lost race. */
    Optional<ObjectNode> updateIf(ValueTransformer transformer, String key, long modRevision, ObjectNode object) {
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.put(bs(key), encode(transformer, key, object), PutOption.DEFAULT))
                .commit());
        if (!r.isSucceeded()) {
            return Optional.empty();
        }
        ObjectNode stored = object.deepCopy();
        Json.metadata(stored).put("resourceVersion", Long.toString(r.getHeader().getRevision()));
        return Optional.of(stored);
    }

    /** Deletes key if still at modRevision; false on a lost race. */
    boolean deleteIf(String key, long modRevision) {
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.delete(bs(key), DeleteOption.DEFAULT))
                .commit());
        return r.isSucceeded();
    }

    /** Raw create-if-absent of a small marker value (used by the IP and port allocators). */
    boolean createMarker(String key, String value) {
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(bs(key), bs(value), PutOption.DEFAULT))
                .commit());
        return r.isSucceeded();
    }

    void deleteMarker(String key) {
        await(client.getKVClient().delete(bs(key)));
    }

    /** Writes a small value that etcd deletes by itself after ttlSeconds unless written again. */
    void putWithTtl(String key, String value, long ttlSeconds) {
        long lease = await(client.getLeaseClient().grant(ttlSeconds)).getID();
        await(client.getKVClient().put(bs(key), bs(value), PutOption.builder().withLeaseId(lease).build()));
    }

    /** Every marker key under prefix with its (untransformed) value. */
    java.util.Map<String, String> listMarkers(String prefix) {
        GetResponse r = await(client.getKVClient().get(bs(prefix), GetOption.builder().withRange(prefixEnd(prefix)).build()));
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (KeyValue kv : r.getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Everything under prefix, from startKey on, as of revision (0 = now). Throws
     * Compacted when that revision is gone.
     */
    ListResult list(ValueTransformer transformer, String prefix, String startKey, long revision) {
        ByteSequence from = bs(startKey == null || startKey.isEmpty() ? prefix : startKey);
        GetOption.Builder opt = GetOption.builder().withRange(prefixEnd(prefix));
        if (revision > 0) {
            opt.withRevision(revision);
        }
        GetResponse r = await(client.getKVClient().get(from, opt.build()));
        List<Versioned> items = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            items.add(decode(transformer, kv, kv.getModRevision()));
        }
        long rev = revision > 0 ? revision : r.getHeader().getRevision();
        return new ListResult(items, rev);
    }

    /** The store's current revision. */
    public long currentRevision() {
        return await(client.getKVClient().get(bs("/"), GetOption.builder().withCountOnly(true).build()))
                .getHeader().getRevision();
    }

    /** Throws Compacted if the history at revision has been compacted away. */
    void checkNotCompacted(String prefix, long revision) {
        await(client.getKVClient().get(bs(prefix), GetOption.builder().withRevision(revision)
                .withCountOnly(true).withRange(prefixEnd(prefix)).build()));
    }

    /**
     * Whether nothing under prefix changed in (from, to]: no key was written there (its mod
     * revision would fall in the range) and the number of keys is the same (so none was deleted
     * without another being created, which the first check sees). False when either revision
     * is compacted.
     */
    boolean unchangedBetween(String prefix, long from, long to) {
        try {
            long written = await(client.getKVClient().get(bs(prefix), GetOption.builder().withRange(prefixEnd(prefix))
                    .withRevision(to).withMinModRevision(from + 1).withCountOnly(true).build())).getCount();
            if (written > 0) {
                return false;
            }
            long before = await(client.getKVClient().get(bs(prefix), GetOption.builder().withRange(prefixEnd(prefix))
                    .withRevision(from).withCountOnly(true).build())).getCount();
            long after = await(client.getKVClient().get(bs(prefix), GetOption.builder().withRange(prefixEnd(prefix))
                    .withRevision(to).withCountOnly(true).build())).getCount();
            return before == after;
        } catch (Compacted e) {
            return false;
        }
    }

    /** Compacts history up to revision (what upstream's compactor does every 5 minutes). */
    public void compact(long revision) {
        await(client.getKVClient().compact(revision));
    }

    /**
     * Watches everything under prefix from fromRevision (inclusive). Events go to onEvent; a
     * compaction or failure goes to onError. Close the returned watcher to stop.
     */
    AutoCloseable watch(ValueTransformer transformer, String prefix, long fromRevision, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        return watchWithProgress(transformer, prefix, fromRevision, onEvent, revision -> { }, onError);
    }

    /** A long-lived watch that also reports etcd's progress: the revision up to which every event has been delivered. */
    public interface ProgressWatch extends AutoCloseable {
        /** Asks etcd to report its current revision on this watch (etcd's RequestProgress, 3.4+). */
        void requestProgress();

        @Override
        void close();
    }

    /**
     * Watches everything under prefix from fromRevision (inclusive), for the watch cache: events go
     * to onEvent, and a progress notification (nothing changed under prefix up to a revision) to
     * onProgress. An error, and also etcd closing the watch, goes to onError.
     */
    ProgressWatch watchWithProgress(ValueTransformer transformer, String prefix, long fromRevision, Consumer<Event> onEvent,
                                    java.util.function.LongConsumer onProgress, Consumer<Throwable> onError) {
        WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(fromRevision)
                .withProgressNotify(true).build();
        Watch.Watcher w = client.getWatchClient().watch(bs(prefix), option, new Watch.Listener() {
            private volatile boolean ended; // by a value this server cannot read: nothing after it is delivered

            @Override
            public void onNext(WatchResponse response) {
                if (ended) {
                    return;
                }
                if (response.isProgressNotify()) {
                    onProgress.accept(response.getHeader().getRevision());
                    return;
                }
                for (WatchEvent e : response.getEvents()) {
                    Event event;
                    try {
                        event = toEvent(transformer, e);
                    } catch (StatusError unreadable) {
                        // a value this server cannot decrypt ends the watch; the watcher (or the cache) sees why
                        ended = true;
                        onError.accept(unreadable);
                        return;
                    }
                    onEvent.accept(event);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (!ended) {
                    onError.accept(t instanceof CompactedException c ? new Compacted(c.getCompactedRevision()) : t);
                }
            }

            @Override
            public void onCompleted() {
                if (!ended) { // closing after an unreadable value is not a second failure
                    onError.accept(new IllegalStateException("etcd closed the watch"));
                }
            }
        });
        return new ProgressWatch() {
            @Override
            public void requestProgress() {
                w.requestProgress();
            }

            @Override
            public void close() {
                w.close();
            }
        };
    }

    private Event toEvent(ValueTransformer transformer, WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        KeyValue prev = e.getPrevKV();
        boolean hasPrev = prev != null && prev.getValue() != null && !prev.getValue().isEmpty();
        if (e.getEventType() == WatchEvent.EventType.DELETE) {
            // A deleted object is reported as it was, at the revision of the delete.
            ObjectNode old = hasPrev ? decode(transformer, prev, kv.getModRevision()).object() : null;
            return new Event("DELETED", null, old, kv.getModRevision());
        }
        ObjectNode now = decode(transformer, kv, kv.getModRevision()).object();
        ObjectNode old = hasPrev ? decode(transformer, prev, prev.getModRevision()).object() : null;
        return new Event(kv.getCreateRevision() == kv.getModRevision() ? "ADDED" : "MODIFIED", now, old, kv.getModRevision());
    }

    /** The first key after every key starting with prefix (etcd's range end for a prefix). */
    static ByteSequence prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] end = java.util.Arrays.copyOf(b, b.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteSequence.from(java.util.Arrays.copyOf(end, i + 1));
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    @Override
    public void close() {
        client.close();
    }
}
