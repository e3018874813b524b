package io.kubej.apiserver.registry.core.service;

import io.kubej.apiserver.storage.etcd3.Markers;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out node ports from {@code --service-node-port-range} (upstream
 * {@code pkg/registry/core/service/portallocator}). As with ClusterIPs, each port is an etcd
 * create-if-absent of {@code <prefix>/ranges/servicenodeports/<port>}, so two services (or two
 * API servers) never get the same port; the claim goes when its service does.
 */
public final class NodePortAllocator {
    private final Markers claims;
    private final int min;
    private final int max;

    public NodePortAllocator(Markers claims, String range) {
        this.claims = claims;
        String[] p = range.split("-");
        this.min = Integer.parseInt(p[0].trim());
        this.max = Integer.parseInt(p[p.length - 1].trim());
    }

    /** {@code --service-node-port-range} as flags and messages write it. */
    public String range() {
        return min + "-" + max;
    }

    public boolean contains(int port) {
        return port >= min && port <= max;
    }

    /** Claims a specific port; false if another service holds it. */
    public boolean allocate(int port, String owner) {
        return claims.claim(Integer.toString(port), owner);
    }

    /** Claims a free port, starting at a random offset; -1 when the range is full. */
    public int allocateNext(String owner) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (allocate(port, owner)) {
                return port;
            }
        }
        return -1;
    }

    public void release(int port) {
        if (contains(port)) {
            claims.release(Integer.toString(port));
        }
    }

    /** Every claimed port with its owner, for the repair loop. */
    public Map<String, String> allocated() {
        return claims.claims();
    }
}
