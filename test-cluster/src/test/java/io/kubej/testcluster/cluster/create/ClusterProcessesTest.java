package io.kubej.testcluster.cluster.create;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code kubej down} finds the processes {@code kubej up} started, by their pid files. */
class ClusterProcessesTest {

    @TempDir
    Path dir;

    @Test
    void aPidFileWrittenAfterTheStartFindsTheProcess() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = dir.resolve("sleep.pid");
            Files.writeString(pidFile, Long.toString(sleep.pid()));

            assertThat(ClusterProcesses.find(pidFile)).map(ProcessHandle::pid).contains(sleep.pid());
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aProcessThatStartedAfterThePidFileWasWrittenIsAReusedPidAndIsNotStopped() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = dir.resolve("etcd.pid");
            Files.writeString(pidFile, Long.toString(unrelated.pid()));
            // as after a reboot: the pid file is older than the program now holding its pid
            Files.setLastModifiedTime(pidFile, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

            assertThat(ClusterProcesses.find(pidFile)).isEmpty();
            assertThat(ClusterProcesses.stop(pidFile, Duration.ofSeconds(1))).isFalse();
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(pidFile).doesNotExist();
        } finally {
            unrelated.destroyForcibly();
        }
    }
}
