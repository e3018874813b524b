package io.kubej.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real, unmodified kubectl, run against a kubej cluster with a given kubeconfig: what a
 * learner types, as tests see it. {@code $KUBEJ_KUBECTL} picks another binary (e.g. kubectl.1.27).
 */
public final class Kubectl {
    private final Path kubeconfig;
    private final String binary;

    public Kubectl(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
        String configured = System.getenv("KUBEJ_KUBECTL");
        this.binary = configured == null || configured.isBlank() ? "kubectl" : configured;
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code kubectl args...}; never throws for a non-zero exit (tests assert on it). */
    public Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            // read both streams without blocking each other
            byte[][] errBytes = new byte[1][];
            Thread err = Thread.ofVirtual().start(() -> {
                try {
                    errBytes[0] = p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    errBytes[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120s");
            }
            err.join();
            return new Result(p.exitValue(), out, new String(errBytes[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs kubectl and returns stdout, failing with stderr when it exits non-zero. */
    public String check(String... args) {
        Result r = run(args);
        if (!r.ok()) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed (" + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        return r.stdout();
    }
}
