package io.kubej.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ItemExponentialFailureRateLimiterTest {

    @Test
    void delayDoublesPerFailureUpToTheMaximum() {
        var limiter = new ItemExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofMillis(100));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(40));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(80));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(100));
        for (int i = 0; i < 100; i++) {
            limiter.when("a");
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void eachItemBacksOffOnItsOwn() {
        var limiter = new ItemExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1));
        limiter.when("a");
        limiter.when("a");
        assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(5));
        limiter.forget("a");
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
    }
}
