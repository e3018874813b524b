package io.kubej.controller.garbagecollector;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The garbage collector's graph of ownerReferences (upstream: {@code concurrentUIDToNode}): every
 * object of every monitored resource by uid, plus a virtual node for each owner some dependent
 * names but no informer has shown. The edges live in the nodes (owner to dependents).
 * Written by the graph builder's one thread, read by the workers.
 */
final class Graph {
    private final Map<String, Node> uidToNode = new ConcurrentHashMap<>();

    Node read(String uid) {
        return uid == null ? null : uidToNode.get(uid);
    }

    void write(Node n) {
        uidToNode.put(n.uid(), n);
    }

    void delete(String uid) {
        uidToNode.remove(uid);
    }

    int size() {
        return uidToNode.size();
    }
}
