package io.kubej.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real CLI (openssl, kubectl) with a time bound and returns its exit code and output. */
final class Processes {
    record Output(int exitCode, String stdout) {
    }

    private Processes() {
    }

    static Output run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
