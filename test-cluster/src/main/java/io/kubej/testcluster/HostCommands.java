package io.kubej.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool (ip, sysctl, iptables, ctr, skopeo, gcc, ...) and captures its output, for
 * bring-up, teardown and the node runtime: every such step is one command, and a failure must
 * say which command failed and what it printed.
 */
public final class HostCommands {
    private HostCommands() {
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static Result run(String... command) {
        return run(List.of(command));
    }

    public static Result run(List<String> command) {
        return run(command, Duration.ofSeconds(60));
    }

    /** Runs the command, output and errors merged; kills it after {@code timeout}. */
    public static Result run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // read the output on another thread: reading it to the end here would wait for the
            // command to exit, and a hanging command would never reach the timeout below
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), Thread::startVirtualThread);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " timed out after " + timeout);
            }
            return new Result(p.exitValue(), out.join());
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs the command and fails with its output if it does not exit 0. */
    public static String check(String... command) {
        return check(List.of(command), Duration.ofSeconds(60));
    }

    /** Runs the command, killing it after {@code timeout}, and fails with its output if it does not exit 0. */
    public static String check(List<String> command, Duration timeout) {
        Result r = run(command, timeout);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output().strip());
        }
        return r.output();
    }
}
