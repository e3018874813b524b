package io.kubej.kubelet.pleg;

import io.kubej.kubelet.container.PodStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last inspected runtime status of each pod (upstream kubecontainer.Cache), so a sync of a
 * pod nothing happened to costs no CRI call. The PLEG marks a pod stale when a relist sees it
 * change; a status inspected before that moment is then never returned again, even if a worker
 * stores it afterwards.
 */
public final class PodCache {
    private record Entry(PodStatus status, long inspectedAt) {
    }

    private final Map<String, Entry> statuses = new ConcurrentHashMap<>();
    private final Map<String, Long> staleBefore = new ConcurrentHashMap<>();

    /** The cached status, if it was inspected after the pod last changed; else null. */
    public PodStatus get(String uid) {
        Entry e = statuses.get(uid);
        return e != null && e.inspectedAt() >= staleBefore.getOrDefault(uid, Long.MIN_VALUE) ? e.status() : null;
    }

    /** Stores a status inspected at {@code inspectedAt} ({@link System#nanoTime()} taken before the CRI calls). */
    public void set(PodStatus status, long inspectedAt) {
        statuses.merge(status.uid(), new Entry(status, inspectedAt), (old, neu) -> neu.inspectedAt() >= old.inspectedAt() ? neu : old);
    }

    /** A relist saw the pod change now: statuses inspected before are stale. */
    public void markStale(String uid) {
        staleBefore.put(uid, System.nanoTime());
    }

    public void delete(String uid) {
        statuses.remove(uid);
        staleBefore.remove(uid);
    }
}
