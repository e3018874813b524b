package io.kubej.cmd.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real CLI (openssl, etcdctl) with a time bound, returning exit code and combined output. */
final class Cli {
    record Output(int exitCode, String text) {
    }

    private Cli() {
    }

    static Output run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
