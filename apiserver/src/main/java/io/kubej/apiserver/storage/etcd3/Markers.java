package io.kubej.apiserver.storage.etcd3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Claim keys for things two API servers must never hand out twice: ClusterIPs
 * ({@code ranges/serviceips/<ip>}) and node ports ({@code ranges/servicenodeports/<port>}).
 * A claim is an etcd create-if-absent, which exactly one caller wins; the value names the owner,
 * so a repair loop can find claims whose owner is gone.
 */
public final class Markers {
    private final Etcd3Storage storage;
    private final String prefix;

    Markers(Etcd3Storage storage, String prefix) {
        this.storage = storage;
        this.prefix = prefix;
    }

    /** Claims name for owner; false if it is already claimed. */
    public boolean claim(String name, String owner) {
        return storage.createMarker(prefix + name, owner);
    }

    /** Claims or renews name for ttlSeconds: gone by itself unless renewed (a heartbeat). */
    public void hold(String name, String owner, long ttlSeconds) {
        storage.putWithTtl(prefix + name, owner, ttlSeconds);
    }

    public void release(String name) {
        storage.deleteMarker(prefix + name);
    }

    /** Every claim: name to owner. */
    public Map<String, String> claims() {
        Map<String, String> out = new LinkedHashMap<>();
        storage.listMarkers(prefix).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }
}
