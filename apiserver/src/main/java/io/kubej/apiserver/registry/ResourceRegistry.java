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
    private final Map<String, Store> stores = new LinkedHashMap<>(); // by "group/version/plural"

    public ResourceRegistry(List<Resource> resources, Etcd3Storage etcd) {
        this(resources, etcd, false);
    }

    /** @param watchCache give every resource a watch cache ({@code --watch-cache}) */
    public ResourceRegistry(List<Resource> resources, Etcd3Storage etcd, boolean watchCache) {
        for (Resource r : resources) {
            String key = key(r.group(), r.version(), r.plural());
            if (stores.containsKey(key)) {
                throw new IllegalArgumentException("two registrations of " + r.groupVersion() + "/" + r.plural());
            }
            stores.put(key, new Store(r, etcd, watchCache));
        }
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

    /** Fills every watch cache from etcd; the server serves requests only after this. */
    public void startCaches() {
        stores.values().parallelStream().forEach(Store::startCache);
    }

    public void close() {
        stores.values().forEach(Store::close);
    }

    public java.util.Collection<Store> stores() {
        return stores.values();
    }

    public List<Resource> resources() {
        List<Resource> out = new ArrayList<>();
        stores.values().forEach(s -> out.add(s.resource()));
        return out;
    }
}
