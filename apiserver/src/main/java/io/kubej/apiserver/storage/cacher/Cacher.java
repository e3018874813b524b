package io.kubej.apiserver.storage.cacher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.WatchStream;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import io.kubej.apiserver.storage.etcd3.ResourceStorage;
import io.kubej.apiserver.storage.etcd3.ResourceStorage.ListPage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch cache of one resource (upstream {@code apiserver/pkg/storage/cacher}): one etcd
 * watch feeds an in-memory copy of every object and a window of recent events, and every
 * client's watch is served from it instead of opening its own etcd watch. That is what lets a
 * cluster of many kubelets, proxies and controllers watch pods without multiplying etcd's load.
 *
 * <p>What it answers: a LIST with {@code resourceVersion=0} (what informers send first) from
 * memory; a WATCH from any resourceVersion still in the window, replaying the events after it,
 * and 410 Expired ("too old resource version") for one before it; a watch without a
 * resourceVersion starts with the current objects. A request for a resourceVersion newer than
 * the cache has seen waits up to {@link #FRESHNESS_TIMEOUT} for it (asking etcd for a
 * progress notification), then gets upstream's 504 "Too large resource version".
 *
 * <p>The window keeps the events of the last 75 s (upstream's eventFreshDuration), at least
 * 100 and at most 100,000 ({@link Window#DEFAULT}).
 * Cached objects are shared with every reader and never mutated.
 */
public final class Cacher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cacher.class);
    static final Duration FRESHNESS_TIMEOUT = Duration.ofSeconds(3);

    /** How much history the cache keeps for resuming watches. */
    public record Window(Duration eventFreshness, int minEvents, int maxEvents) {
        /** Upstream's sizing: the last 75 s of events, at least 100 and at most 100,000. */
        public static final Window DEFAULT = new Window(Duration.ofSeconds(75), 100, 100_000);
    }

    private record Buffered(Etcd3Storage.Event event, long atNanos) {
    }

    private final String resource;
    private final ResourceStorage storage;
    private final Window size;
    private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
    private final ArrayDeque<Buffered> window = new ArrayDeque<>();
    private final List<WatchStream> watchers = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private Etcd3Storage.ProgressWatch etcdWatch;
    /** Every event of this resource up to here has been applied. */
    private long revision;
    /** A watch may resume from any revision at or after this one: all later events are in the window. */
    private long windowStart;
    private volatile boolean closed;
    /** Why the cache has not listed yet (its first list failed), for the requests it turns away. */
    private volatile String notReadyReason;

    public Cacher(String resource, ResourceStorage storage) {
        this(resource, storage, Window.DEFAULT);
    }

    public Cacher(String resource, ResourceStorage storage, Window size) {
        this.resource = resource;
        this.storage = storage;
        this.size = size;
    }

    /** Lists everything once, then follows etcd from the revision of that list. */
    public synchronized void start() {
        ListPage all = storage.list(null, 0, null, 0, o -> true);
        objects.clear();
        all.items().forEach(o -> objects.put(storage.cacheKey(o), o));
        revision = all.revision();
        windowStart = revision;
        window.clear();
        etcdWatch = storage.watchAll(revision + 1, this::apply, this::progress, this::failed);
        notReadyReason = null;
        ready.complete(null);
        log.debug("watch cache of {} ready at revision {} with {} objects", resource, revision, objects.size());
    }

    /**
     * The first start, as the server starts. A failed list does not stop the server: the cache
     * keeps listing in the background (as upstream's cacher does), and until it succeeds the
     * requests it answers get a 503 with the reason. That is what keeps one Secret this server
     * cannot decrypt from taking every other resource down with it.
     */
    public void startOrRetry() {
        try {
            start();
        } catch (RuntimeException e) {
            notReadyReason = e.getMessage();
            log.warn("watch cache of {}: first list failed ({}); retrying in the background", resource, e.getMessage());
            Thread.ofVirtual().name("cacher-restart-" + resource).start(this::restart);
        }
    }

    private synchronized void apply(Etcd3Storage.Event e) {
        if (e.revision() <= revision) {
            return; // already seen (a restarted watch may repeat the last revision)
        }
        if (e.type().equals("DELETED")) {
            objects.remove(storage.cacheKey(e.prev()));
        } else {
            objects.put(storage.cacheKey(e.object()), e.object());
        }
        revision = e.revision();
        window.addLast(new Buffered(e, System.nanoTime()));
        trimWindow();
        for (WatchStream w : watchers) {
            w.offer(e);
        }
        notifyAll();
    }

    private void trimWindow() {
        long tooOld = System.nanoTime() - size.eventFreshness().toNanos();
        while (window.size() > size.maxEvents() || (window.size() > size.minEvents() && window.peekFirst().atNanos() < tooOld)) {
            windowStart = window.removeFirst().event().revision();
        }
    }

    private synchronized void progress(long etcdRevision) {
        if (etcdRevision > revision) {
            revision = etcdRevision;
            notifyAll();
        }
    }

    /** The etcd watch ended (compaction, etcd restarted): every watcher is told, and the cache starts over. */
    private void failed(Throwable t) {
        if (closed) {
            return;
        }
        log.info("watch cache of {}: etcd watch ended ({}); relisting", resource, t.toString());
        synchronized (this) {
            for (WatchStream w : watchers) {
                w.offer(t);
            }
            watchers.clear();
            etcdWatch.close();
        }
        Thread.ofVirtual().name("cacher-restart-" + resource).start(this::restart);
    }

    private void restart() {
        for (long backoff = 200; !closed; backoff = Math.min(backoff * 2, 5000)) {
            try {
                start();
                return;
            } catch (RuntimeException e) {
                notReadyReason = e.getMessage();
                log.info("watch cache of {}: relist failed: {}", resource, e.toString());
                sleep(backoff);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the cache has seen everything up to rv: it asks etcd for a progress
     * notification, and, where etcd sends none, checks etcd for a change of this resource
     * between the cache's revision and rv.
     */
    private boolean waitUntilFresh(long rv) {
        long deadline = System.nanoTime() + FRESHNESS_TIMEOUT.toNanos();
        boolean checkedEtcd = false;
        while (true) {
            long from;
            synchronized (this) {
                while (revision < rv && System.nanoTime() < deadline) {
                    requestProgress();
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                    if (!checkedEtcd) {
                        break;
                    }
                }
                if (revision >= rv) {
                    return true;
                }
                if (checkedEtcd || System.nanoTime() >= deadline) {
                    return false;
                }
                from = revision;
            }
            // outside the lock, so events keep being applied meanwhile
            checkedEtcd = true;
            boolean unchanged = rv <= storage.currentRevision() && storage.unchangedBetween(from, rv);
            synchronized (this) {
                if (unchanged && revision < rv) {
                    revision = rv; // nothing of this resource happened in (from, rv]
                }
            }
        }
    }

    private void requestProgress() {
        try {
            etcdWatch.requestProgress();
        } catch (RuntimeException e) {
            log.debug("watch cache of {}: progress request failed: {}", resource, e.toString());
        }
    }

    private void awaitReady() {
        try {
            ready.get(FRESHNESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            String reason = notReadyReason;
            throw new StatusError(503, "ServiceUnavailable", "the watch cache of " + resource + " is not ready yet"
                    + (reason == null ? "" : ": " + reason), null);
        }
    }

    /** A revision etcd itself has not reached fails at once; one the cache has not seen yet is waited for. */
    private void requireFresh(long rv) {
        if (rv <= 0 || rv <= revision()) {
            return;
        }
        long etcdRevision = storage.currentRevision();
        if (rv > etcdRevision) {
            throw StatusError.tooLargeResourceVersion(rv, etcdRevision, 1);
        }
        if (!waitUntilFresh(rv)) {
            throw StatusError.tooLargeResourceVersion(rv, revision(), 1);
        }
    }

    /**
     * The objects of one namespace (or all) matching the selectors, at least as new as minRevision
     * (0: any). Upstream's cache ignores limit for such a list, and so does this one.
     */
    public ListPage list(String namespace, ListOptions options, long minRevision) {
        awaitReady();
        requireFresh(minRevision);
        synchronized (this) {
            List<ObjectNode> items = new ArrayList<>();
            for (ObjectNode o : scope(namespace).values()) {
                if (options.matches(o)) {
                    items.add(o);
                }
            }
            return new ListPage(items, revision, null);
        }
    }

    private NavigableMap<String, ObjectNode> scope(String namespace) {
        if (!storage.namespaced() || namespace == null || namespace.isEmpty()) {
            return objects;
        }
        return objects.subMap(namespace + "/", true, namespace + "/\uffff", false);
    }

    /**
     * A watch from resourceVersion ("" or "0": the current objects first, then changes), filtered
     * to one namespace (or all) and the selectors.
     */
    public WatchStream watch(String namespace, ListOptions options) {
        awaitReady();
        boolean fromNow = options.startsFromNow();
        boolean initialEvents = options.wantsInitialEvents();
        long requested = fromNow ? 0 : Long.parseLong(options.resourceVersion());
        requireFresh(requested);
        synchronized (this) {
            WatchStream stream;
            if (initialEvents || fromNow) {
                List<ObjectNode> initial = new ArrayList<>();
                if (initialEvents) {
                    scope(namespace).values().stream().filter(options::matches).forEach(initial::add);
                }
                stream = new WatchStream(initial, options, namespace, revision);
            } else {
                if (requested < windowStart) {
                    throw StatusError.expired("too old resource version: " + requested + " (" + windowStart + ")");
                }
                stream = new WatchStream(List.of(), options, namespace, requested);
                for (Buffered b : window) {
                    if (b.event().revision() > requested) {
                        stream.offer(b.event());
                    }
                }
            }
            watchers.add(stream);
            stream.attach(() -> remove(stream));
            return stream;
        }
    }

    private synchronized void remove(WatchStream stream) {
        watchers.remove(stream);
    }

    /** The cached object of that namespace ("" for cluster-scoped) and name, or null (the cache may lag a write by a moment). */
    public synchronized ObjectNode get(String namespace, String name) {
        return objects.get(storage.namespaced() ? namespace + "/" + name : name);
    }

    /** How many clients watch through this cache (for /metrics and tests). */
    public synchronized int watcherCount() {
        return watchers.size();
    }

    public synchronized long revision() {
        return revision;
    }

    /** Sizes for /metrics: cached objects and buffered events. */
    public synchronized Map<String, Integer> sizes() {
        return Map.of("objects", objects.size(), "events", window.size());
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (etcdWatch != null) {
            etcdWatch.close();
        }
        watchers.forEach(WatchStream::stop);
        watchers.clear();
    }
}
