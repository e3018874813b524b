package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod-start benchmark's floor, tiny, on a private containerd and registry (free ports, fresh
 * bridge names). The path through a whole cluster needs `kubej up`'s fixed ports, which only the
 * conformance suite may take, so it is measured by `bin/kubej-bench pod-start`, not here.
 */
class PodStartTest {
    @TempDir
    Path dir;

    @Test
    void bareCriPodStartsAreMeasuredOnAPrivateContainerdAndRemovedAfterwards() throws Exception {
        Latencies floor = PodStart.measureCriFloorOnPrivateNode(dir, 2, 1, System.out);

        assertThat(floor.count()).isEqualTo(2);
        assertThat(floor.opsPerSecond()).isPositive();
        assertThat(floor.p50()).isPositive();
        // the sandboxes are gone and containerd left no mounts behind
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(dir.toString());
    }
}
