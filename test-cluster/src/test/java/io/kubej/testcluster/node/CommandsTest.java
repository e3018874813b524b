package io.kubej.testcluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {

    @Test
    void aCommandThatHangsIsKilledAtItsTimeout() {
        long start = System.nanoTime();

        Commands.Result r = Commands.run(1, List.of("sleep", "30"));

        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
