package io.kubej.testcluster.cluster.create;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The cluster's processes, found again by their pid files in {@code run/}. */
public final class ClusterProcesses {
    private static final Duration PID_FILE_SLACK = Duration.ofSeconds(5);

    private ClusterProcesses() {
    }

    /**
     * The live process a pid file names. A process that started after the pid file was written
     * is not ours: the pid was reused (e.g. after a reboot), and stopping it would kill an
     * unrelated program.
     */
    public static Optional<ProcessHandle> find(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Instant written = Files.getLastModifiedTime(pidFile).toInstant();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> startedBefore(p, written));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The pid file is written right after the start. The slack covers the coarse resolution of
     * a process's start time and small clock corrections; a reboot takes longer than that.
     */
    private static boolean startedBefore(ProcessHandle p, Instant pidFileWritten) {
        return p.info().startInstant().map(started -> !started.isAfter(pidFileWritten.plus(PID_FILE_SLACK))).orElse(true);
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
