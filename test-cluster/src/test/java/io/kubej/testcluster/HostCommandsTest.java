package io.kubej.testcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostCommandsTest {

    @Test
    void aCommandThatHangsIsKilledAtItsTimeout() {
        long start = System.nanoTime();

        HostCommands.Result r = HostCommands.run(List.of("sleep", "30"), Duration.ofSeconds(1));

        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void outputAndErrorsAreCaptured() {
        HostCommands.Result r = HostCommands.run("sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains("out").contains("err");
    }
}
