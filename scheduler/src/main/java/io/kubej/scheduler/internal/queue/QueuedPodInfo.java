package io.kubej.scheduler.internal.queue;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod waiting to be scheduled, with what the queue needs to know about its history
 * (upstream: framework.QueuedPodInfo).
 */
public final class QueuedPodInfo {
    volatile Pod pod;
    /** When the pod first entered the queue (for FIFO order and the unschedulable timeout). */
    final long initialAttemptNanos;
    volatile long timestampNanos;
    volatile int attempts;

    QueuedPodInfo(Pod pod, long now) {
        this.pod = pod;
        this.initialAttemptNanos = now;
        this.timestampNanos = now;
    }

    public Pod pod() {
        return pod;
    }

    public int attempts() {
        return attempts;
    }
}
