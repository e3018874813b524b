package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void percentilesAreNearestRankInMillisecondsAndThroughputUsesWallTime() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L; // 100 ms .. 1 ms, unsorted
        }
        Latencies l = new Latencies("x", nanos, 2_000_000_000L);

        assertThat(l.p50()).isEqualTo(50.0);
        assertThat(l.p99()).isEqualTo(99.0);
        assertThat(l.opsPerSecond()).isEqualTo(50.0);
    }

    @Test
    void concurrentMeasurementRunsEveryOperationOnce() throws Exception {
        boolean[] ran = new boolean[50];
        Latencies l = Latencies.measure("x", 50, 4, i -> ran[i] = true);

        assertThat(l.count()).isEqualTo(50);
        assertThat(ran).doesNotContain(false);
    }
}
