package io.kubej.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch space for one scheduling cycle of one pod (upstream: framework.CycleState). A
 * PreFilter computes something once (e.g. the pod's summed requests) and its Filter reads it
 * for every node, instead of recomputing it per node.
 */
public final class CycleState {
    private final Map<String, Object> data = new HashMap<>();

    public synchronized void write(String key, Object value) {
        data.put(key, value);
    }

    public synchronized <T> T read(String key, Class<T> type) {
        Object v = data.get(key);
        if (v == null) {
            throw new IllegalStateException("no " + key + " in cycle state: did its PreFilter run?");
        }
        return type.cast(v);
    }
}
