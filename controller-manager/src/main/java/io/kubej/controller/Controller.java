package io.kubej.controller;

/**
 * One control loop of kube-controller-manager (upstream names one per controller, e.g.
 * {@code replicaset-controller}).
 */
public interface Controller extends AutoCloseable {
    /** The upstream controller name, as {@code --controllers} lists it. */
    String name();

    /** Waits for the informer caches, then starts {@code workers} workers; returns once they run. */
    void run(int workers) throws InterruptedException;

    /** Whether the caches this controller reads have synced. */
    boolean hasSynced();

    @Override
    void close();
}
