package io.kubej.controller.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upstream's slowStartBatch: run {@code count} calls in batches of 1, 2, 4, ... and stop at the
 * first batch with a failure.
 *
 * <p>Why: if pod creation fails (a quota, an admission webhook, a bad template), a ReplicaSet of
 * 500 replicas should fail after one call, not spray 500 doomed requests at the API server.
 */
final class SlowStart {
    record Result(int successes, String firstError) {
    }

    private SlowStart() {
    }

    static Result batch(int count, int initialBatchSize, Runnable call, ExecutorService executor) {
        int remaining = count;
        int successes = 0;
        int batchSize = Math.min(remaining, initialBatchSize);
        while (batchSize > 0) {
            AtomicInteger ok = new AtomicInteger();
            AtomicReference<String> error = new AtomicReference<>();
            List<Future<?>> batch = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                batch.add(executor.submit(() -> {
                    try {
                        call.run();
                        ok.incrementAndGet();
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, io.kubej.controller.PodControl.message(e));
                    }
                }));
            }
            for (Future<?> f : batch) {
                try {
                    f.get();
                } catch (Exception e) {
                    error.compareAndSet(null, e.toString());
                }
            }
            successes += ok.get();
            if (error.get() != null) {
                return new Result(successes, error.get());
            }
            remaining -= batchSize;
            batchSize = Math.min(remaining, 2 * batchSize);
        }
        return new Result(successes, null);
    }
}
