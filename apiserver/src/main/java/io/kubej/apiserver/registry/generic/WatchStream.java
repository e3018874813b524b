package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's watch (upstream {@code storage/etcd3/watcher.go} as the registry hands it out):
 * the objects that already existed, then each change under the resource's prefix, filtered by
 * the watcher's selectors. An object that stops matching is reported DELETED in the state it
 * last matched, one that starts matching ADDED, as upstream does. History etcd has compacted
 * away, or an etcd watch that ends, becomes one ERROR event; the client must then list again.
 */
public final class WatchStream implements AutoCloseable {
    /** One event as the client receives it; type is ADDED, MODIFIED, DELETED or ERROR. */
    public record WatchEvent(String type, ObjectNode object) {
    }

    private static final Object STOP = new Object();
    /** Events a watcher may fall behind by before it is cut off (it then resumes from its last resourceVersion). */
    static final int CAPACITY = 10_000;

    private final List<ObjectNode> initial;
    private final ListOptions options;
    private final String namespace;
    private final long startRevision;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY + 1);
    private AutoCloseable source;
    private java.util.function.UnaryOperator<ObjectNode> served = o -> o;
    private long lastRevision;
    private boolean done;

    /**
     * @param namespace     only events of this namespace pass; null for all
     * @param startRevision the revision the watch continues after
     */
    public WatchStream(List<ObjectNode> initial, ListOptions options, String namespace, long startRevision) {
        this.initial = initial;
        this.options = options;
        this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
        this.startRevision = startRevision;
        this.lastRevision = startRevision;
    }

    WatchStream(List<ObjectNode> initial, ListOptions options, long startRevision) {
        this(initial, options, null, startRevision);
    }

    /** What feeds the stream (an etcd watch, or the watch cache's registration); closed with the stream. */
    public void attach(AutoCloseable source) {
        this.source = source;
    }

    /**
     * Hands the stream one storage event or error. A watcher that has fallen {@link #CAPACITY}
     * events behind is ended instead of buffered without bound: its client reconnects from the
     * last resourceVersion it received, and the watch cache replays from there.
     */
    public void offer(Object etcdEventOrError) {
        if (!queue.offer(etcdEventOrError)) {
            queue.clear();
            queue.offer(STOP);
        }
    }

    /** How each object leaves the stream: as the version the client watches serves it. */
    public void servedAs(java.util.function.UnaryOperator<ObjectNode> conversion) {
        this.served = conversion;
    }

    /** The objects that existed when the watch started, to send as ADDED events first. */
    public List<ObjectNode> initialObjects() {
        return initial.stream().map(served).toList();
    }

    /** The revision of the last event seen (or the start): where a BOOKMARK says the watcher is. */
    public long lastRevision() {
        return lastRevision;
    }

    /** The next event for this watcher, or null when none came within the timeout or the stream is done. */
    public WatchEvent next(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!done) {
            long left = deadline - System.nanoTime();
            Object item = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (item == null) {
                return null;
            }
            if (item == STOP) {
                done = true;
                return null;
            }
            if (item instanceof Throwable t) {
                done = true;
                StatusError err = t instanceof Etcd3Storage.Compacted c
                        ? StatusError.expired("too old resource version: " + startRevision + " (" + c.compactRevision() + ")")
                        : StatusError.internal("the etcd watch ended: " + t.getMessage());
                return new WatchEvent("ERROR", err.toStatus());
            }
            Etcd3Storage.Event e = (Etcd3Storage.Event) item;
            lastRevision = e.revision();
            WatchEvent out = filter(e);
            if (out != null) {
                return new WatchEvent(out.type(), served.apply(out.object()));
            }
        }
        return null;
    }

    /** Whether the stream has ended (stopped, or after its ERROR event). */
    public boolean done() {
        return done;
    }

    private boolean inNamespace(Etcd3Storage.Event e) {
        if (namespace == null) {
            return true;
        }
        ObjectNode any = e.object() != null ? e.object() : e.prev();
        return any != null && namespace.equals(any.path("metadata").path("namespace").asText());
    }

    private WatchEvent filter(Etcd3Storage.Event e) {
        if (!inNamespace(e)) {
            return null;
        }
        boolean nowMatches = e.object() != null && options.matches(e.object());
        boolean wasMatching = e.prev() != null && options.matches(e.prev());
        if (e.type().equals("DELETED")) {
            return wasMatching ? new WatchEvent("DELETED", e.prev()) : null;
        }
        if (nowMatches) {
            return new WatchEvent(wasMatching ? "MODIFIED" : "ADDED", e.object());
        }
        if (wasMatching) {
            // It left the selection: the watcher sees it go as it last matched, at this revision.
            ObjectNode gone = e.prev().deepCopy();
            Json.metadata(gone).put("resourceVersion", Long.toString(e.revision()));
            return new WatchEvent("DELETED", gone);
        }
        return null;
    }

    /** Wakes a waiting {@link #next} and ends the stream (the client went away). */
    public void stop() {
        queue.add(STOP);
    }

    @Override
    public void close() {
        try {
            if (source != null) {
                source.close();
            }
        } catch (Exception ignored) {
            // closing a finished watch
        }
    }
}
