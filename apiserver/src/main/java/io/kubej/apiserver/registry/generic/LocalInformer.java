package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's own informer over one of its stores: list, then watch, keeping a map of
 * every object, so a hot path (authorization: RBAC's bindings, the Node authorizer's pods)
 * reads memory and never etcd. It is client-go's informer without the HTTP in between. A
 * broken watch starts over with a fresh list; {@link #generation()} changes on every change so
 * readers can rebuild what they derive from it only when needed.
 */
public final class LocalInformer implements ObjectSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalInformer.class);

    /** Told of each change: the event type (ADDED, MODIFIED, DELETED) and the object. */
    public interface Listener extends BiConsumer<String, ObjectNode> {
    }

    private final Store store;
    private final Listener listener;
    private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile WatchStream watch;

    public LocalInformer(Store store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    public LocalInformer(Store store) {
        this(store, (type, o) -> { });
    }

    /** Starts listing and watching, and waits for the first list. */
    public LocalInformer start() {
        Thread.ofVirtual().name("informer-" + store.resource().plural()).start(this::run);
        try {
            if (!synced.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(store.resource().plural() + " were not listed within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return this;
    }

    private void run() {
        while (!closed) {
            try (WatchStream w = store.watch(null, ListOptions.everything())) {
                watch = w;
                replace(w.initialObjects());
                synced.countDown();
                while (!closed && !w.done()) {
                    WatchStream.WatchEvent e = w.next(1, TimeUnit.SECONDS);
                    if (e != null && !e.type().equals("ERROR") && !e.type().equals("BOOKMARK")) {
                        apply(e.type(), e.object());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.info("watching {} failed, listing again in 1 s: {}", store.resource().plural(), e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    private void replace(java.util.List<ObjectNode> listed) {
        Map<String, ObjectNode> fresh = new java.util.HashMap<>();
        listed.forEach(o -> fresh.put(key(o), o));
        for (String k : objects.keySet()) {
            if (!fresh.containsKey(k)) {
                ObjectNode gone = objects.remove(k);
                listener.accept("DELETED", gone);
            }
        }
        fresh.forEach((k, o) -> {
            ObjectNode before = objects.put(k, o);
            listener.accept(before == null ? "ADDED" : "MODIFIED", o);
        });
        generation.incrementAndGet();
    }

    private void apply(String type, ObjectNode o) {
        if (type.equals("DELETED")) {
            objects.remove(key(o));
        } else {
            objects.put(key(o), o);
        }
        listener.accept(type, o);
        generation.incrementAndGet();
    }

    private static String key(ObjectNode o) {
        var meta = o.path("metadata");
        return meta.path("namespace").asText("") + "/" + meta.path("name").asText("");
    }

    /** Every object, as last seen. */
    @Override
    public Collection<ObjectNode> list() {
        return Collections.unmodifiableCollection(objects.values());
    }

    @Override
    public Optional<ObjectNode> get(String namespace, String name) {
        return Optional.ofNullable(objects.get((namespace == null ? "" : namespace) + "/" + name));
    }

    /** Changes whenever the informer's contents change. */
    @Override
    public long generation() {
        return generation.get();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        WatchStream w = watch;
        if (w != null) {
            w.close();
        }
    }
}
