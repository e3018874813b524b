package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apiserver-writes benchmark, tiny, against the real etcd (mTLS) and kube-apiserver on free ports. */
class ApiServerWritesTest {
    @TempDir
    Path dir;

    @Test
    void apiServerCreatesAndDirectEtcdPutsAreBothMeasuredSequentiallyAndConcurrently() throws Exception {
        ApiServerWrites.Result r = ApiServerWrites.measure(dir, 20, 2, 5, 50, System.out);
        ApiServerWrites.print(r, System.out);

        assertThat(r.valueBytes()).isPositive();
        assertThat(r.comparisons()).extracting(ApiServerWrites.Comparison::concurrency).containsExactly(1, 2);
        for (ApiServerWrites.Comparison c : r.comparisons()) {
            assertThat(c.serverMeanMillis()).as("the API server's own time per create").isPositive()
                    .isLessThan(c.apiserver().percentileMillis(100));
            for (Latencies l : new Latencies[] {c.floor(), c.apiserver()}) {
                assertThat(l.count()).as(l.name()).isEqualTo(20);
                assertThat(l.opsPerSecond()).as(l.name()).isPositive();
                assertThat(l.p50()).as(l.name()).isPositive();
                assertThat(l.p99()).as(l.name()).isGreaterThanOrEqualTo(l.p50());
            }
        }
        assertThat(r.atRate().count()).isEqualTo(20);
        assertThat(r.atRate().p99()).isGreaterThanOrEqualTo(r.atRate().p50());
    }
}
