package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apiserver-reads benchmark, tiny, against the real etcd (mTLS) and kube-apiserver on free ports. */
class ApiServerReadsTest {
    @TempDir
    Path dir;

    @Test
    void listsFromCacheAndEtcdAndAWatchFanOutAreMeasured() throws Exception {
        ApiServerReads.Result r = ApiServerReads.measure(dir, 200, 5, 5, 20, System.out);
        ApiServerReads.print(r, System.out);
        for (Latencies l : new Latencies[] {r.floor(), r.fromEtcd(), r.fromCache()}) {
            assertThat(l.count()).as(l.name()).isEqualTo(5);
            assertThat(l.p50()).as(l.name()).isPositive();
        }
        assertThat(r.deliveredInOrder()).isEqualTo(5L * 20);
        assertThat(r.delivery().count()).isEqualTo(5 * 20);
    }
}
