package io.kubej.testcluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real program (etcd, containerd, a kubej component) run as a child process with its own
 * log file, awaited by a readiness check and stopped with SIGTERM.
 *
 * <p>Why: integration tests and {@code kubej up} run the real components, never mocks; bring-up
 * waits on readiness, never on fixed sleeps.
 */
public final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command}, stdout and stderr appended to {@code logFile}.
     *
     * <p>The program runs in a session of its own ({@code setsid}, which execs it, so the pid is the
     * program's): {@code kubej up} exits and leaves the cluster running, and a terminal's signals
     * never reach it; {@code kubej down} stops it by pid.
     */
    public static ManagedProcess start(String name, List<String> command, Path logFile) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add("setsid");
        detached.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(detached)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return new ManagedProcess(name, pb.start(), logFile);
    }

    /**
     * Polls {@code ready} until it holds; fails early, with the log's tail, if the process exits.
     */
    public ManagedProcess awaitReady(Duration timeout, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        long pauseMillis = 20;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; last log lines:\n" + tail(40));
            }
            if (probe(ready)) {
                return this;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " was not ready within " + timeout + "; last log lines:\n" + tail(40));
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 250);
        }
    }

    /** Polls {@code ready} until it holds, for a program started by an earlier run. */
    public static void await(String name, Duration timeout, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        long pauseMillis = 20;
        while (!probe(ready)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " was not ready within " + timeout);
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 250);
        }
    }

    private static boolean probe(BooleanSupplier ready) {
        try {
            return ready.getAsBoolean();
        } catch (RuntimeException notYet) {
            return false; // a probe that throws means "not yet"
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if the process has not exited after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
