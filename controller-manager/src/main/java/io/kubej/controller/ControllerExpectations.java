package io.kubej.controller;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller is still waiting to see in its informer after its own creates and deletes
 * (upstream: {@code ControllerExpectations} and {@code UIDTrackingControllerExpectations} in
 * pkg/controller/controller_utils.go).
 *
 * <p>Why: after a ReplicaSet controller creates 3 pods, its pod cache lags behind for a while.
 * A sync in that window would count too few pods and create 3 more. So the controller records
 * "expect 3 adds"; pod-informer events count them down; {@link #satisfiedExpectations} is true
 * only when all were observed (or the expectations expired, after 5 minutes, in case an event
 * was missed). Deletions are tracked by pod key so that a pod seen deleted twice counts once.
 */
public final class ControllerExpectations {
    /** Upstream's ExpectationsTimeout. */
    public static final Duration EXPECTATIONS_TIMEOUT = Duration.ofMinutes(5);

    private static final class Expectation {
        long add;
        final Set<String> pendingDeletes = new HashSet<>();
        long timestampNanos = System.nanoTime();

        boolean fulfilled() {
            return add <= 0 && pendingDeletes.isEmpty();
        }
    }

    private final Map<String, Expectation> byController = new ConcurrentHashMap<>();
    private final Duration timeout;

    public ControllerExpectations() {
        this(EXPECTATIONS_TIMEOUT);
    }

    public ControllerExpectations(Duration timeout) {
        this.timeout = timeout;
    }

    /** True when the controller {@code key} may sync: nothing pending, or pending for too long. */
    public boolean satisfiedExpectations(String key) {
        Expectation e = byController.get(key);
        if (e == null) {
            return true; // never set, or deleted: a sync recomputes from scratch
        }
        synchronized (e) {
            return e.fulfilled() || System.nanoTime() - e.timestampNanos > timeout.toNanos();
        }
    }

    /** Before creating {@code count} pods for {@code key}. Replaces any earlier expectation. */
    public void expectCreations(String key, int count) {
        Expectation e = new Expectation();
        e.add = count;
        byController.put(key, e);
    }

    /** Before deleting the pods {@code podKeys} for {@code key}. Replaces any earlier expectation. */
    public void expectDeletions(String key, Set<String> podKeys) {
        Expectation e = new Expectation();
        e.pendingDeletes.addAll(podKeys);
        byController.put(key, e);
    }

    /** The informer saw one of {@code key}'s pods appear (or a create failed: it never will). */
    public void creationObserved(String key) {
        Expectation e = byController.get(key);
        if (e != null) {
            synchronized (e) {
                e.add--;
            }
        }
    }

    /** The informer saw pod {@code podKey} of controller {@code key} go (or a delete failed). */
    public void deletionObserved(String key, String podKey) {
        Expectation e = byController.get(key);
        if (e != null) {
            synchronized (e) {
                e.pendingDeletes.remove(podKey);
            }
        }
    }

    /** The controller itself is gone. */
    public void deleteExpectations(String key) {
        byController.remove(key);
    }
}
