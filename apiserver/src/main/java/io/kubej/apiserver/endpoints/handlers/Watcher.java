package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watch (upstream {@code endpoints/handlers/watch.go} over {@code storage/etcd3/watcher.go}):
 * a stream of {"type","object"} events, each object carrying its resourceVersion, so a client
 * that reconnects continues from the last one it saw. Without a resourceVersion (or "0") the
 * stream starts with an ADDED event per existing object. History etcd has compacted away is
 * 410 Gone, reason Expired: the client must list again.
 *
 * <p>Selectors are applied per event: an object that stops matching is reported DELETED to this
 * watcher, one that starts matching ADDED, as upstream does.
 */
final class Watcher {
    private static final long DEFAULT_TIMEOUT_SECONDS = 1800;

    private Watcher() {
    }

    static void serve(ApiRequest req, RequestInfo info, Store store, String ns, boolean table, ResponseWriter out) {
        LabelSelector labels = LabelSelector.parse(req.param("labelSelector"));
        FieldSelector fields = FieldSelector.parse(req.param("fieldSelector"), store.resource().fieldLabels(), store.resource().plural());
        if (!info.name().isEmpty()) {
            // Legacy /watch/.../pods/NAME watches one object.
            fields = FieldSelector.parse("metadata.name=" + info.name(), java.util.Set.of("metadata.name"), store.resource().plural());
        }
        FieldSelector fieldSel = fields;
        String rvParam = req.param("resourceVersion");
        boolean bookmarks = "true".equals(req.param("allowWatchBookmarks"));
        Long timeoutParam = ResourceHandler.longParam(req, "timeoutSeconds");
        long timeout = timeoutParam == null ? DEFAULT_TIMEOUT_SECONDS : timeoutParam;
        String prefix = store.listPrefix(ns);
        Etcd3Storage storage = store.storage();

        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        long from;
        List<ObjectNode> initial = List.of();
        if (rvParam == null || rvParam.isEmpty() || rvParam.equals("0")) {
            Etcd3Storage.ListResult now = storage.list(prefix, null, 0);
            initial = ResourceHandler.filtered(req, store, ns, now);
            from = now.revision() + 1;
        } else {
            long rv = ResourceHandler.parseResourceVersion(rvParam);
            ResourceHandler.checkNotTooLarge(storage, rv);
            try {
                storage.checkNotCompacted(prefix, rv);
            } catch (Etcd3Storage.Compacted e) {
                throw StatusError.expired("too old resource version: " + rv + (e.compactRevision() > 0 ? " (" + e.compactRevision() + ")" : ""));
            }
            from = rv + 1;
        }
        AutoCloseable etcdWatch = storage.watch(prefix, from, queue::add, queue::add);
        try (ResponseWriter.Stream stream = out.startStream("application/json")) {
            stream.closed().thenRun(() -> queue.add(Boolean.FALSE));
            boolean first = true;
            for (ObjectNode o : initial) {
                if (!stream.write(frame("ADDED", o, store, table, first, req))) {
                    return;
                }
                first = false;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            long lastRv = from - 1;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Object item = queue.poll(Math.min(left, TimeUnit.SECONDS.toNanos(bookmarks ? 10 : 60)), TimeUnit.NANOSECONDS);
                if (item == null) {
                    if (bookmarks) {
                        ObjectNode bm = Json.object();
                        bm.put("kind", store.resource().kind()).put("apiVersion", store.resource().groupVersion());
                        bm.putObject("metadata").put("resourceVersion", Long.toString(lastRv));
                        if (!stream.write(event("BOOKMARK", bm))) {
                            return;
                        }
                    }
                    continue;
                }
                if (item == Boolean.FALSE) {
                    return;
                }
                if (item instanceof Throwable t) {
                    StatusError err = t instanceof Etcd3Storage.Compacted c
                            ? StatusError.expired("too old resource version: " + (from - 1) + " (" + c.compactRevision() + ")")
                            : StatusError.internal(String.valueOf(t.getMessage()));
                    stream.write(event("ERROR", err.toStatus()));
                    return;
                }
                Etcd3Storage.Event e = (Etcd3Storage.Event) item;
                lastRv = e.revision();
                boolean nowMatches = e.object() != null && matches(e.object(), labels, fieldSel);
                boolean wasMatching = e.prev() != null && matches(e.prev(), labels, fieldSel);
                String type;
                ObjectNode obj;
                if (e.type().equals("DELETED")) {
                    if (!wasMatching) {
                        continue;
                    }
                    type = "DELETED";
                    obj = e.prev();
                } else if (nowMatches) {
                    type = wasMatching ? "MODIFIED" : "ADDED";
                    obj = e.object();
                } else if (wasMatching) {
                    // It stopped matching: the watcher sees it leave as it last matched (a DELETED
                    // event carries the state before the change), stamped with this event's revision.
                    type = "DELETED";
                    obj = e.prev().deepCopy();
                    Json.metadata(obj).put("resourceVersion", Long.toString(e.revision()));
                } else {
                    continue;
                }
                if (!stream.write(frame(type, obj, store, table, first, req))) {
                    return;
                }
                first = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                etcdWatch.close();
            } catch (Exception ignored) {
                // closing a finished watch
            }
        }
    }

    private static boolean matches(ObjectNode o, LabelSelector labels, FieldSelector fields) {
        return labels.matches(o.path("metadata").get("labels")) && fields.matches(o);
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
