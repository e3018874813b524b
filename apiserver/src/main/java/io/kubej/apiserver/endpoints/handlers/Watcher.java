package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.registry.generic.WatchStream;
import io.kubej.apiserver.registry.generic.WatchStream.WatchEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Watch over HTTP (upstream {@code endpoints/handlers/watch.go}): a stream of
 * {"type","object"} events, each object carrying its resourceVersion, so a client that
 * reconnects continues from the last one it saw. Which events a watcher gets is the registry's
 * {@link WatchStream}; this class only frames them (JSON, or Table rows for {@code kubectl get
 * -w}), adds BOOKMARKs when asked, and ends the stream at {@code timeoutSeconds}.
 */
final class Watcher {
    private static final long DEFAULT_TIMEOUT_SECONDS = 1800;
    private static final long BOOKMARK_EVERY_SECONDS = 10;

    private Watcher() {
    }

    static void serve(ApiRequest req, RequestInfo info, Store store, String ns, ListOptions options, boolean table, ResponseWriter out) {
        if (!info.name().isEmpty()) {
            // Legacy /watch/.../pods/NAME watches one object.
            options = new ListOptions(options.labels(), io.kubej.apiserver.api.FieldSelector.parse("metadata.name=" + info.name(),
                    java.util.Set.of("metadata.name"), store.resource().plural()), options.resourceVersion(),
                    options.resourceVersionMatch(), 0, null, options.allowWatchBookmarks(), options.sendInitialEvents());
        }
        Long timeoutParam = ResourceHandler.longParam(req, "timeoutSeconds");
        long timeout = timeoutParam == null ? DEFAULT_TIMEOUT_SECONDS : timeoutParam;
        boolean bookmarks = options.allowWatchBookmarks();
        try (WatchStream watch = store.watch(ns, options);
             ResponseWriter.Stream stream = out.startStream("application/json")) {
            stream.closed().thenRun(watch::stop);
            boolean first = true;
            for (ObjectNode o : watch.initialObjects()) {
                if (!stream.write(frame("ADDED", o, store, table, first, req))) {
                    return;
                }
                first = false;
            }
            if (Boolean.TRUE.equals(options.sendInitialEvents()) && bookmarks) {
                // watch-list: the end of the initial state is a bookmark so annotated (KEP-3157)
                ObjectNode bm = bookmark(store, watch.lastRevision());
                Json.obj(Json.metadata(bm), "annotations").put("k8s.io/initial-events-end", "true");
                if (!stream.write(event("BOOKMARK", bm))) {
                    return;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            while (!watch.done()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                long wait = Math.min(left, TimeUnit.SECONDS.toNanos(bookmarks ? BOOKMARK_EVERY_SECONDS : 60));
                WatchEvent e = watch.next(wait, TimeUnit.NANOSECONDS);
                if (e == null) {
                    if (bookmarks && !watch.done() && !stream.write(event("BOOKMARK", bookmark(store, watch.lastRevision())))) {
                        return;
                    }
                    continue;
                }
                boolean ok = e.type().equals("ERROR") ? stream.write(event("ERROR", e.object()))
                        : stream.write(frame(e.type(), e.object(), store, table, first, req));
                if (!ok) {
                    return;
                }
                first = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode bookmark(Store store, long revision) {
        ObjectNode bm = Json.object();
        bm.put("kind", store.resource().kind()).put("apiVersion", store.resource().groupVersion());
        bm.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return bm;
    }

    private static byte[] frame(String type, ObjectNode o, Store store, boolean table, boolean first, ApiRequest req) {
        ObjectNode obj = table
                ? TableEncoder.table(store.resource(), List.of(o), o.path("metadata").path("resourceVersion").asText(), null,
                        req.param("includeObject"), first)
                : o;
        return event(type, obj);
    }

    private static byte[] event(String type, ObjectNode obj) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.set("object", obj);
        byte[] b = Json.bytes(e);
        byte[] withNewline = java.util.Arrays.copyOf(b, b.length + 1);
        withNewline[b.length] = '\n';
        return withNewline;
    }
}
