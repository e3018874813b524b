package io.kubej.proxy.util.iptables;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link Iptables} by running the real {@code iptables}, {@code iptables-save} and
 * {@code iptables-restore} binaries (IPv4 only for now).
 *
 * <p>Why a command prefix: with {@code ["ip", "netns", "exec", "NS"]} every call runs inside that
 * network namespace, so tests program a private node without touching the host's rules.
 * {@code -w} waits for the xtables lock, as upstream does, in case other programs (a CNI
 * plugin, the kubelet) change rules at the same moment.
 */
public final class ExecIptables implements Iptables {
    private final List<String> prefix;

    /** Runs the binaries in the current network namespace. */
    public ExecIptables() {
        this(List.of());
    }

    /** Runs every command behind {@code prefix}, e.g. {@code ip netns exec NS}. */
    public ExecIptables(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** Runs the binaries inside the named network namespace. */
    public static ExecIptables inNetns(String netns) {
        return new ExecIptables(List.of("ip", "netns", "exec", netns));
    }

    @Override
    public void ensureChain(Table table, String chain) {
        Result r = exec(null, "iptables", "-w", "-t", table.name, "-N", chain);
        if (r.code != 0 && !r.err.contains("already exists")) {
            throw r.failure();
        }
    }

    @Override
    public boolean ensureRule(RulePosition position, Table table, String chain, List<String> args) {
        if (exec(null, cmd("iptables", "-w", "-t", table.name, "-C", chain, args)).code == 0) {
            return true;
        }
        String op = position == RulePosition.PREPEND ? "-I" : "-A";
        Result r = exec(null, cmd("iptables", "-w", "-t", table.name, op, chain, args));
        if (r.code != 0) {
            throw r.failure();
        }
        return false;
    }

    @Override
    public void deleteRule(Table table, String chain, List<String> args) {
        // -C first: deleting a missing rule would be an error we do not care about.
        while (exec(null, cmd("iptables", "-w", "-t", table.name, "-C", chain, args)).code == 0) {
            Result r = exec(null, cmd("iptables", "-w", "-t", table.name, "-D", chain, args));
            if (r.code != 0) {
                throw r.failure();
            }
        }
    }

    @Override
    public String save(Table table) {
        Result r = exec(null, "iptables-save", "-t", table.name);
        if (r.code != 0) {
            throw r.failure();
        }
        return r.out;
    }

    @Override
    public void restoreAll(String rules, boolean noFlush, boolean counters) {
        List<String> args = new ArrayList<>(List.of("iptables-restore", "-w"));
        if (noFlush) {
            args.add("--noflush");
        }
        if (counters) {
            args.add("--counters");
        }
        Result r = exec(rules, args.toArray(String[]::new));
        if (r.code != 0) {
            throw new IllegalStateException("iptables-restore failed (exit " + r.code + "): " + r.err.strip()
                    + "\n--- input ---\n" + rules);
        }
    }

    private static String[] cmd(String binary, String w, String t, String table, String op, String chain, List<String> args) {
        List<String> all = new ArrayList<>(List.of(binary, w, t, table, op, chain));
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private record Result(List<String> command, int code, String out, String err) {
        IllegalStateException failure() {
            return new IllegalStateException(String.join(" ", command) + " failed (exit " + code + "): " + err.strip());
        }
    }

    private Result exec(String stdin, String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).start();
            CompletableFuture<String> out = readAsync(p.getInputStream());
            CompletableFuture<String> err = readAsync(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish within 60s");
            }
            return new Result(full, p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", full), e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
