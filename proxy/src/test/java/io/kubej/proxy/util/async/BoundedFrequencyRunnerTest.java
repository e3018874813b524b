package io.kubej.proxy.util.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedFrequencyRunnerTest {

    @Test
    void burstOfRequestsWithinMinIntervalIsCoalescedIntoOneRun() {
        AtomicInteger runs = new AtomicInteger();
        try (BoundedFrequencyRunner r = new BoundedFrequencyRunner("t", runs::incrementAndGet, Duration.ofMillis(500), Duration.ofHours(1))) {
            r.start();
            r.run();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
            long afterFirst = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                r.run();
            }
            // the 50 requests become one run, no earlier than minInterval after the first
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
            assertThat(Duration.ofNanos(System.nanoTime() - afterFirst)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);
        }
    }

    @Test
    void runsPeriodicallyWithoutAnyRequest() {
        AtomicInteger runs = new AtomicInteger();
        try (BoundedFrequencyRunner r = new BoundedFrequencyRunner("t", runs::incrementAndGet, Duration.ofMillis(10), Duration.ofMillis(100))) {
            r.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
        }
    }

    @Test
    void failedRunIsRetried() {
        AtomicInteger runs = new AtomicInteger();
        Runnable failOnce = () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("iptables-restore failed");
            }
        };
        try (BoundedFrequencyRunner r = new BoundedFrequencyRunner("t", failOnce, Duration.ofMillis(50), Duration.ofHours(1))) {
            r.start();
            r.run();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 2);
        }
    }

    @Test
    void closeStopsTheLoop() {
        AtomicInteger runs = new AtomicInteger();
        BoundedFrequencyRunner r = new BoundedFrequencyRunner("t", runs::incrementAndGet, Duration.ofMillis(10), Duration.ofMillis(20));
        r.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
        r.close();
        int after = runs.get();
        r.run();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> runs.get() == after);
        assertThat(runs.get()).isEqualTo(after);
    }
}
