package io.kubej.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void aKeyAddedTwiceWhileQueuedIsProcessedOnce() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            q.add("ns/a");
            q.add("ns/a");
            q.add("ns/b");
            assertThat(q.len()).isEqualTo(2);
            assertThat(q.get()).isEqualTo("ns/a");
            assertThat(q.get()).isEqualTo("ns/b");
        }
    }

    @Test
    void aKeyAddedWhileProcessingIsRequeuedOnlyAfterDone() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            q.add("ns/a");
            String key = q.get();
            q.add("ns/a"); // an event arrives while a worker has the key
            assertThat(q.len()).as("not handed to a second worker").isZero();
            q.done(key);
            assertThat(q.len()).isEqualTo(1);
            assertThat(q.get()).isEqualTo("ns/a");
        }
    }

    @Test
    void otherKeysAreHandedOutWhileAKeyIsBeingProcessed() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            q.add("ns/a");
            String key = q.get();
            q.add("ns/a");
            q.add("ns/b");
            // while ns/a is processed, only ns/b is handed out
            assertThat(q.get()).isEqualTo("ns/b");
            q.done(key);
            assertThat(q.get()).isEqualTo("ns/a");
        }
    }

    @Test
    void addAfterQueuesTheKeyOnlyOnceTheDelayHasPassed() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            long start = System.nanoTime();
            q.addAfter("ns/a", Duration.ofMillis(100));
            assertThat(q.len()).as("not queued before the delay").isZero();
            assertThat(q.get()).isEqualTo("ns/a");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(95));
        }
    }

    @Test
    void addAfterWithoutADelayQueuesAtOnce() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            q.addAfter("ns/a", Duration.ZERO);
            assertThat(q.len()).isEqualTo(1);
        }
    }

    @Test
    void addAfterIsIgnoredOnceTheQueueIsClosed() throws Exception {
        WorkQueue q = new WorkQueue("test");
        q.close();
        q.addAfter("ns/a", Duration.ofMillis(10));
        assertThat(q.len()).isZero();
        assertThat(q.get()).isNull();
    }

    @Test
    void aKeyIsNeverProcessedByTwoWorkersAtOnce() throws Exception {
        try (WorkQueue q = new WorkQueue("test")) {
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger maxConcurrent = new AtomicInteger();
            AtomicInteger processed = new AtomicInteger();
            List<Thread> workers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        String k;
                        while ((k = q.get()) != null) {
                            int now = concurrent.incrementAndGet();
                            maxConcurrent.accumulateAndGet(now, Math::max);
                            Thread.onSpinWait();
                            concurrent.decrementAndGet();
                            processed.incrementAndGet();
                            q.done(k);
                        }
                    } catch (InterruptedException ignored) {
                        // stop
                    }
                }));
            }
            for (int i = 0; i < 2000; i++) {
                q.add("ns/same");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> q.len() == 0 && concurrent.get() == 0);
            q.shutDown();
            for (Thread t : workers) {
                t.join(5000);
            }
            assertThat(maxConcurrent.get()).isEqualTo(1);
            assertThat(processed.get()).isBetween(1, 2000);
        }
    }

    @Test
    void addRateLimitedBacksOffPerItemAndForgetResets() throws Exception {
        try (WorkQueue q = new WorkQueue("test", new ItemExponentialFailureRateLimiter(Duration.ofMillis(50), Duration.ofSeconds(10)))) {
            long start = System.nanoTime();
            q.addRateLimited("ns/a");
            assertThat(q.get()).isEqualTo("ns/a");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
            q.done("ns/a");
            assertThat(q.numRequeues("ns/a")).isEqualTo(1);
            q.forget("ns/a");
            assertThat(q.numRequeues("ns/a")).isZero();
        }
    }

    @Test
    void getReturnsNullAfterShutDown() throws Exception {
        WorkQueue q = new WorkQueue("test");
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                assertThat(q.get()).isNull();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        q.close();
        waiter.join(5000);
        assertThat(waiter.isAlive()).isFalse();
    }
}
