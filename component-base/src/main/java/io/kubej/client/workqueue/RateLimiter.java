package io.kubej.client.workqueue;

import java.time.Duration;

/**
 * How long an item waits before its next retry (client-go's {@code workqueue.RateLimiter}).
 */
public interface RateLimiter {
    /** The delay before {@code item} is retried; every call counts as one more failure. */
    Duration when(String item);

    /** Clears the failure history of {@code item} (it was processed successfully). */
    void forget(String item);

    /** How many times {@code item} has failed since it was last forgotten. */
    int numRequeues(String item);
}
