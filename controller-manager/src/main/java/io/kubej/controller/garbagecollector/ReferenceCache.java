package io.kubej.controller.garbagecollector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Owners known not to exist (upstream: the absentOwnerCache, a small LRU cache): once the API
 * server has said an owner is gone, the next dependents naming it are collected without asking
 * again. Keyed by the owner's identity, with its namespace for namespaced owners and an empty
 * one for cluster-scoped owners.
 */
final class ReferenceCache {
    private final Map<Identity, Boolean> entries;

    ReferenceCache(int maxSize) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identity, Boolean> eldest) {
                return size() > maxSize;
            }
        };
    }

    synchronized void add(Identity id) {
        entries.put(id, Boolean.TRUE);
    }

    synchronized boolean has(Identity id) {
        return entries.containsKey(id);
    }
}
