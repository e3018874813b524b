package io.kubej.apiserver.registry.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.generic.DeleteOptions;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.registry.generic.LocalInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the resources CustomResourceDefinitions define (upstream's {@code crdHandler} and its
 * finalizer controller): it watches the definitions, and for each one registers a resource per
 * served version in the {@link ResourceRegistry}, so discovery, the handlers and the namespace
 * controller see it at once. A changed definition is registered again; a deleted one is first
 * emptied (every custom resource of it deleted), then its finalizer is removed and it stops
 * being served. Every API server runs one, so all of them serve the same kinds.
 */
public final class CustomResourceRegistrar implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CustomResourceRegistrar.class);

    private record Served(JsonNode spec, List<Resource> resources) {
    }

    private final ResourceRegistry registry;
    private final Store definitions;
    private final Map<String, Served> served = new HashMap<>();
    private LocalInformer informer;
    private volatile boolean closed;

    public CustomResourceRegistrar(ResourceRegistry registry) {
        this.registry = registry;
        this.definitions = registry.store(CustomResourceDefinitions.GROUP, "customresourcedefinitions");
    }

    /** Starts following the definitions; returns once the existing ones are served. */
    public void start() {
        informer = new LocalInformer(definitions, this::handle).start();
    }

    private synchronized void handle(String type, ObjectNode crd) {
        String name = crd.path("metadata").path("name").asText();
        if (type.equals("DELETED")) {
            unserve(name);
        } else if (crd.path("metadata").has("deletionTimestamp")) {
            Thread.ofVirtual().name("crd-cleanup-" + name).start(() -> cleanUp(name));
        } else {
            serve(name, crd);
        }
    }

    private void serve(String name, ObjectNode crd) {
        Served before = served.get(name);
        if (before != null && before.spec().equals(crd.path("spec"))) {
            return; // a status change: nothing to serve differently
        }
        List<Resource> now = new ArrayList<>();
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("served").asBoolean(true)) {
                now.add(CustomResources.version(crd, v));
            }
        }
        if (before != null) {
            for (Resource r : before.resources()) {
                if (now.stream().noneMatch(n -> n.version().equals(r.version()) && n.plural().equals(r.plural()))) {
                    registry.unregister(r.group(), r.version(), r.plural());
                }
            }
        }
        now.forEach(registry::register);
        served.put(name, new Served(crd.path("spec").deepCopy(), now));
        log.info("serving {} ({})", name, now.stream().map(Resource::groupVersion).toList());
    }

    private synchronized void unserve(String name) {
        Served s = served.remove(name);
        if (s != null) {
            s.resources().forEach(r -> registry.unregister(r.group(), r.version(), r.plural()));
            log.info("no longer serving {}", name);
        }
    }

    /** Deletes every custom resource of a deleted definition, then lets the definition go. */
    private void cleanUp(String name) {
        for (long backoff = 200; !closed; backoff = Math.min(backoff * 2, 5000)) {
            try {
                Served s;
                synchronized (this) {
                    s = served.get(name);
                }
                if (s != null && !s.resources().isEmpty()) {
                    Store objects = registry.store(s.resources().get(0).group(), s.resources().get(0).version(),
                            s.resources().get(0).plural()).orElseThrow();
                    objects.deleteCollection(null, ListOptions.everything(), new DeleteOptions(null, "Background", null, null, false));
                    if (!objects.list(null, ListOptions.everything()).items().isEmpty()) {
                        sleep(backoff); // custom resources with finalizers of their own: wait for them
                        continue;
                    }
                }
                unserve(name);
                removeFinalizer(name);
                return;
            } catch (StatusError e) {
                if (e.code() == 404) {
                    unserve(name);
                    return;
                }
                log.info("cleaning up {} failed, again in {} ms: {}", name, backoff, e.getMessage());
                sleep(backoff);
            }
        }
    }

    private void removeFinalizer(String name) {
        definitions.update(null, name, crd -> {
            ArrayNode kept = Json.array();
            crd.path("metadata").path("finalizers").forEach(f -> {
                if (!f.asText().equals(CustomResourceDefinitions.CLEANUP_FINALIZER)) {
                    kept.add(f);
                }
            });
            Json.metadata(crd).set("finalizers", kept);
            Json.metadata(crd).remove("resourceVersion");
            return crd;
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (informer != null) {
            informer.close();
        }
    }
}
