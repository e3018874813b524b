package io.kubej.testcluster.cluster.create;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The cluster's processes, found again by their pid files in {@code run/}. */
public final class ClusterProcesses {
    private ClusterProcesses() {
    }

    public static Optional<ProcessHandle> find(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static boolean isRunning(Path pidFile) {
        return find(pidFile).isPresent();
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL; removes the pid file. Returns whether it ran. */
    public static boolean stop(Path pidFile, Duration grace) throws IOException {
        Optional<ProcessHandle> handle = find(pidFile);
        if (handle.isPresent()) {
            ProcessHandle p = handle.get();
            p.destroy();
            Instant deadline = Instant.now().plus(grace);
            while (p.isAlive() && Instant.now().isBefore(deadline)) {
                try {
                    p.onExit().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception notYet) {
                    // keep waiting until the deadline
                }
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
        return handle.isPresent();
    }
}
