package io.kubej.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one measured path did: each operation's latency and the wall time of the whole run, so
 * throughput (ops/s) and the latency percentiles come from the same operations.
 *
 * <p>Why wall time and not the sum of latencies: with concurrency C the operations overlap, and
 * throughput is what the caller saw per second, not the inverse of the mean latency.
 */
public record Latencies(String name, long[] nanos, long wallNanos) {

    /** One operation of a run; {@code i} is its index (0..n-1), e.g. for a unique name. */
    @FunctionalInterface
    public interface Operation {
        void run(int i) throws Exception;
    }

    /**
     * Runs {@code n} operations on {@code concurrency} threads (each takes the next index until
     * none is left) and times each one. With concurrency 1 the operations run one after another.
     */
    public static Latencies measure(String name, int n, int concurrency, Operation op) throws Exception {
        long[] nanos = new long[n];
        AtomicInteger next = new AtomicInteger();
        Callable<Void> worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                long start = System.nanoTime();
                op.run(i);
                nanos[i] = System.nanoTime() - start;
            }
            return null;
        };
        long start = System.nanoTime();
        if (concurrency <= 1) {
            worker.call();
        } else {
            try (var pool = Executors.newFixedThreadPool(concurrency)) {
                var futures = pool.invokeAll(Collections.nCopies(concurrency, worker));
                for (var f : futures) {
                    f.get(); // rethrows the first failure
                }
            }
        }
        return new Latencies(name, nanos, System.nanoTime() - start);
    }

    public int count() {
        return nanos.length;
    }

    public double opsPerSecond() {
        return count() / (wallNanos / 1e9);
    }

    /** The {@code p}-th percentile (0..100) in milliseconds, nearest-rank. */
    public double percentileMillis(double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    public double p50() {
        return percentileMillis(50);
    }

    public double p99() {
        return percentileMillis(99);
    }

    /** The table every benchmark prints: header, one row per path, and measured/floor ratios. */
    public static void printTable(PrintStream out, Latencies floor, Latencies measured) {
        out.printf("  %-34s %10s %10s %10s%n", "", "ops/s", "p50 ms", "p99 ms");
        row(out, floor);
        row(out, measured);
        out.printf("  %-34s %9.2fx %9.2fx %9.2fx%n", "ratio (" + measured.name() + " / floor)",
                measured.opsPerSecond() / floor.opsPerSecond(), measured.p50() / floor.p50(), measured.p99() / floor.p99());
    }

    private static void row(PrintStream out, Latencies l) {
        out.printf("  %-34s %10.1f %10.2f %10.2f%n", l.name() + " (n=" + l.count() + ")", l.opsPerSecond(), l.p50(), l.p99());
    }
}
