package io.kubej.controller;

import java.time.Duration;

/**
 * One control loop of kube-controller-manager (upstream names one per controller, e.g.
 * {@code replicaset-controller}).
 */
public interface Controller extends AutoCloseable {
    /** The upstream controller name, as {@code --controllers} lists it. */
    String name();

    /**
     * Waits up to {@code cacheSyncTimeout} for the informer caches, then starts {@code workers}
     * workers; returns once they run. Throws {@link IllegalStateException} if the caches do not
     * sync in time (the caller treats that as fatal, as upstream).
     */
    void run(int workers, Duration cacheSyncTimeout) throws InterruptedException;

    /** Whether the caches this controller reads have synced. */
    boolean hasSynced();

    @Override
    void close();
}
