package io.kubej.client.workqueue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A rate-limited work queue of keys ({@code namespace/name}), with client-go workqueue's
 * guarantees:
 * <ul>
 *   <li>dedup: a key added many times while waiting is queued once (the "dirty" set);</li>
 *   <li>a key is never handed to two workers at once: a key added while it is being processed
 *       (the "processing" set) is queued again only when {@link #done} is called;</li>
 *   <li>{@link #addRateLimited} re-adds a failed key after a per-item exponential backoff;
 *       {@link #forget} resets it after a success.</li>
 * </ul>
 *
 * <p>Used by every controller in kube-controller-manager and by the kubelet's pod workers
 * (which re-sync a pod after a fixed delay with {@link #addAfter}).
 *
 * <p>Why: controllers are level-driven. An event only says "look at this key again"; the worker
 * reads the current state from the cache, so collapsing many events into one key loses nothing.
 */
public final class WorkQueue implements AutoCloseable {
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final RateLimiter rateLimiter;
    private final ScheduledExecutorService delayed;
    private boolean shuttingDown;

    public WorkQueue(String name, RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.delayed = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-delayed-adds");
            t.setDaemon(true);
            return t;
        });
    }

    public WorkQueue(String name) {
        this(name, ItemExponentialFailureRateLimiter.controllerDefault());
    }

    /** Marks {@code key} as needing processing. */
    public synchronized void add(String key) {
        if (shuttingDown || dirty.contains(key)) {
            return;
        }
        dirty.add(key);
        if (processing.contains(key)) {
            // a worker has it now; done() will queue it again
            return;
        }
        queue.addLast(key);
        notifyAll();
    }

    /** Adds {@code key} once {@code delay} has passed. */
    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
        }
        try {
            delayed.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran after the check above: a closed queue takes no more keys
        }
    }

    /** Adds {@code key} after its rate limiter's backoff (one more failure). */
    public void addRateLimited(String key) {
        addAfter(key, rateLimiter.when(key));
    }

    /** Stops tracking failures of {@code key}; its next failure starts the backoff over. */
    public void forget(String key) {
        rateLimiter.forget(key);
    }

    public int numRequeues(String key) {
        return rateLimiter.numRequeues(key);
    }

    /**
     * Blocks until a key is available and hands it to the caller, who must call {@link #done}
     * with it. Returns null once the queue is shut down.
     */
    public synchronized String get() throws InterruptedException {
        while (queue.isEmpty() && !shuttingDown) {
            wait();
        }
        if (queue.isEmpty()) {
            return null;
        }
        String key = queue.removeFirst();
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    /** The worker finished {@code key}; if it was added meanwhile, it is queued again now. */
    public synchronized void done(String key) {
        processing.remove(key);
        if (dirty.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    public synchronized int len() {
        return queue.size();
    }

    public synchronized boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Wakes all workers; {@link #get} returns null once the queue is drained. */
    public synchronized void shutDown() {
        shuttingDown = true;
        queue.clear();
        notifyAll();
    }

    @Override
    public void close() {
        shutDown();
        delayed.shutdownNow();
    }
}
