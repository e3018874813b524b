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
        this(kubeconfig, System.getenv("KUBEJ_KUBECTL") == null || System.getenv("KUBEJ_KUBECTL").isBlank()
                ? "kubectl" : System.getenv("KUBEJ_KUBECTL"));
    }

    /** A given kubectl binary, e.g. {@code kubectl.1.27} (see {@link #versions()}). */
    public Kubectl(Path kubeconfig, String binary) {
        this.kubeconfig = kubeconfig;
        this.binary = binary;
    }

    /**
     * The versioned kubectl binaries installed beside {@code kubectl} (kubectl.1.27 ... kubectl.1.33),
     * as minor versions ("1.27"), oldest first.
     */
    public static List<String> versions() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "ls \"$(dirname \"$(readlink -f \"$(command -v kubectl)\")\")\"").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(l -> l.matches("kubectl\\.1\\.\\d+")).map(l -> l.substring("kubectl.".length()))
                    .sorted(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.substring(2)))).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list kubectl binaries: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The path of the kubectl binary of a minor version ("1.27"). */
    public static String binaryOf(String minor) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "dirname \"$(readlink -f \"$(command -v kubectl)\")\"").start();
            String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return dir + "/kubectl." + minor;
        } catch (IOException e) {
            throw new IllegalStateException("cannot find kubectl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code kubectl args...}; never throws for a non-zero exit (tests assert on it). */
    public Result run(String... args) {
        return run(java.util.Map.of(), args);
    }

    /** Runs kubectl with extra environment variables (e.g. {@code EDITOR} for {@code kubectl edit}). */
    public Result run(java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            // read both streams on their own threads, so that neither blocks the other nor the timeout
            java.util.concurrent.CompletableFuture<String> out = drain(p.getInputStream());
            java.util.concurrent.CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static java.util.concurrent.CompletableFuture<String> drain(java.io.InputStream in) {
        java.util.concurrent.CompletableFuture<String> text = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete(e.toString());
            }
        });
        return text;
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
