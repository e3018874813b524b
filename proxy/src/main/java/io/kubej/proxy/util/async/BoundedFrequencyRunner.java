package io.kubej.proxy.util.async;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one function (kube-proxy's syncProxyRules) at most once per {@code minInterval} and at
 * least once per {@code maxInterval}, on its own thread.
 *
 * <p>Why: Service and Endpoints events arrive in bursts (a ReplicaSet scaling to 50 pods); writing
 * the whole iptables table for each event would waste the node's CPU. Requests made while a run
 * is not yet allowed are coalesced into one later run. The periodic run repairs rules someone else
 * changed or deleted. Upstream: pkg/util/async/bounded_frequency_runner.go (minSyncPeriod and
 * syncPeriod in KubeProxyConfiguration).
 */
public final class BoundedFrequencyRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoundedFrequencyRunner.class);

    private final String name;
    private final Runnable fn;
    private final long minNanos;
    private final long maxNanos;
    private final Object lock = new Object();
    private boolean requested;
    private boolean stopped;
    private long lastRun;
    private Thread thread;

    public BoundedFrequencyRunner(String name, Runnable fn, Duration minInterval, Duration maxInterval) {
        if (minInterval.compareTo(maxInterval) > 0) {
            throw new IllegalArgumentException("minInterval " + minInterval + " > maxInterval " + maxInterval);
        }
        this.name = name;
        this.fn = fn;
        this.minNanos = minInterval.toNanos();
        this.maxNanos = maxInterval.toNanos();
    }

    /** Starts the loop. The first run happens on the first {@link #run()} request or after maxInterval. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        lastRun = System.nanoTime() - minNanos; // a first request may run at once
        thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /** Asks for a run as soon as the minimum interval allows; many calls may become one run. */
    public void run() {
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
    }

    private void loop() {
        while (true) {
            synchronized (lock) {
                if (!waitUntilDue()) {
                    return;
                }
                requested = false;
                lastRun = System.nanoTime();
            }
            try {
                fn.run();
            } catch (RuntimeException e) {
                // Retry at the next allowed moment, as upstream's RetryAfter does.
                log.error("{}: run failed, will retry: {}", name, e.toString(), e);
                run();
            }
        }
    }

    /** Waits (holding {@link #lock}) until a run is due; false once stopped. */
    private boolean waitUntilDue() {
        while (!stopped) {
            long now = System.nanoTime();
            long allowedAt = lastRun + minNanos;
            long periodicAt = lastRun + maxNanos;
            if ((requested && now - allowedAt >= 0) || now - periodicAt >= 0) {
                return true;
            }
            long wakeAt = requested ? allowedAt : periodicAt;
            long waitNanos = Math.max(1, wakeAt - now);
            try {
                lock.wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Stops the loop; a run in progress finishes first. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
