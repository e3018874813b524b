package io.kubej.testcluster.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the small host tools the node runtime needs (ctr, ip, iptables, tar, gcc, skopeo) and
 * returns their output. Why a helper: every step of node bring-up and cleanup is one such
 * command; failures must say which command failed and what it printed.
 */
final class Commands {
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Commands() {
    }

    /** Runs the command, waiting at most {@code timeoutSeconds}; never throws for a non-zero exit. */
    static Result run(long timeoutSeconds, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // read the output on another thread: reading it to the end here would wait for the
            // command to exit, and a hanging command would never reach the timeout below
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), Thread::startVirtualThread);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.join());
        } catch (IOException e) {
            return new Result(-1, e.toString());
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

    static Result run(List<String> command) {
        return run(120, command);
    }

    /** Runs the command and fails with its output if it exits non-zero. */
    static String check(List<String> command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }
}
