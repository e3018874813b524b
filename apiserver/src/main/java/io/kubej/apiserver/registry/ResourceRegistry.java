package io.kubej.apiserver.registry;

import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every resource the server serves, each with its generic store (upstream: the REST storage
 * providers each API group installs in {@code pkg/controlplane/instance.go}). It is the one list
 * of kinds in kubej: discovery, OpenAPI, the request handlers and bootstrapping all ask it.
 */
public final class ResourceRegistry {
    private final Etcd3Storage etcd;
    private final boolean watchCache;
    /** By "group/version/plural"; replaced whole on every change, so readers never lock. */
    private volatile Map<String, Store> stores = new LinkedHashMap<>();

    /** @param watchCache give every resource a watch cache ({@code --watch-cache}) */
    public ResourceRegistry(List<Resource> resources, Etcd3Storage etcd, boolean watchCache) {
        this.etcd = etcd;
        this.watchCache = watchCache;
        Map<String, Store> initial = new LinkedHashMap<>();
        for (Resource r : resources) {
            String key = key(r.group(), r.version(), r.plural());
            if (initial.containsKey(key)) {
                throw new IllegalArgumentException("two registrations of " + r.groupVersion() + "/" + r.plural());
            }
            initial.put(key, new Store(r, etcd, watchCache));
        }
        stores = initial;
    }

    private static String key(String group, String version, String plural) {
        return group + "/" + version + "/" + plural;
    }

    public Optional<Store> store(String group, String version, String plural) {
        return Optional.ofNullable(stores.get(key(group, version, plural)));
    }

    /** The store of a resource of the given group and plural, whatever its served version. */
    public Store store(String group, String plural) {
        return stores.values().stream().filter(s -> s.resource().group().equals(group) && s.resource().plural().equals(plural))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no resource " + plural + "." + group));
    }

    /**
     * Serves resource r from now on, replacing an earlier registration of the same group,
     * version and plural (a CustomResourceDefinition changed); its watch cache starts first.
     */
    public synchronized Store register(Resource r) {
        Store store = new Store(r, etcd, watchCache);
        store.startCache();
        Map<String, Store> next = new LinkedHashMap<>(stores);
        Store previous = next.put(key(r.group(), r.version(), r.plural()), store);
        stores = next;
        if (previous != null) {
            previous.close();
        }
        return store;
    }

    /** Stops serving a resource (its CustomResourceDefinition is gone). */
    public synchronized void unregister(String group, String version, String plural) {
        Map<String, Store> next = new LinkedHashMap<>(stores);
        Store previous = next.remove(key(group, version, plural));
        stores = next;
        if (previous != null) {
            previous.close();
        }
    }

    /** Fills every watch cache from etcd; the server serves requests only after this. */
    public void startCaches() {
        stores.values().parallelStream().forEach(Store::startCache);
    }

    public void close() {
        stores.values().forEach(Store::close);
    }

    public List<Resource> resources() {
        List<Resource> out = new ArrayList<>();
        stores.values().forEach(s -> out.add(s.resource()));
        return out;
    }
}
