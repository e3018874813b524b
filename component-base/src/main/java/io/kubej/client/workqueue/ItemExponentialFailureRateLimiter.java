package io.kubej.client.workqueue;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-item exponential backoff: base, 2*base, 4*base, ... capped at max (client-go's
 * ItemExponentialFailureRateLimiter; controllers default to 5 ms .. 1000 s).
 *
 * <p>Why per item: one broken object (say, a ReplicaSet whose pods the API server rejects)
 * must back off on its own without slowing down every other key in the queue.
 */
public final class ItemExponentialFailureRateLimiter implements RateLimiter {
    private final Duration base;
    private final Duration max;
    private final ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();

    public ItemExponentialFailureRateLimiter(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** The controller default: 5 ms doubling up to 1000 s. */
    public static ItemExponentialFailureRateLimiter controllerDefault() {
        return new ItemExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000));
    }

    @Override
    public Duration when(String item) {
        int exp = failures.merge(item, 1, Integer::sum) - 1;
        // 2^exp overflows quickly; anything past 2^40 is already beyond any sane max.
        if (exp > 40) {
            return max;
        }
        long nanos = base.toNanos() * (1L << exp);
        if (nanos < 0 || nanos > max.toNanos()) {
            return max;
        }
        return Duration.ofNanos(nanos);
    }

    @Override
    public void forget(String item) {
        failures.remove(item);
    }

    @Override
    public int numRequeues(String item) {
        return failures.getOrDefault(item, 0);
    }
}
