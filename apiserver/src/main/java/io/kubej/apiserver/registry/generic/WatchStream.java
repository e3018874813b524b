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

    private final List<ObjectNode> initial;
    private final ListOptions options;
    private final long startRevision;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private AutoCloseable etcdWatch;
    private long lastRevision;
    private boolean done;

    WatchStream(List<ObjectNode> initial, ListOptions options, long startRevision) {
        this.initial = initial;
        this.options = options;
        this.startRevision = startRevision;
        this.lastRevision = startRevision;
    }

    void attach(AutoCloseable etcdWatch) {
        this.etcdWatch = etcdWatch;
    }

    void offer(Object etcdEventOrError) {
        queue.add(etcdEventOrError);
    }

    /** The objects that existed when the watch started, to send as ADDED events first. */
    public List<ObjectNode> initialObjects() {
        return initial;
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
                return out;
            }
        }
        return null;
    }

    /** Whether the stream has ended (stopped, or after its ERROR event). */
    public boolean done() {
        return done;
    }

    private WatchEvent filter(Etcd3Storage.Event e) {
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
            if (etcdWatch != null) {
                etcdWatch.close();
            }
        } catch (Exception ignored) {
            // closing a finished watch
        }
    }
}
