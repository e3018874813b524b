package io.kubej.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubej-bench}: kubej's benchmarks. Each prints its numbers beside a raw floor measured in
 * the same run (the API server beside direct etcd writes, pod start beside bare CRI calls), so
 * a number always comes with what it could at best be on this machine.
 */
@Command(name = "kubej-bench", mixinStandardHelpOptions = true,
        description = "kubej's benchmarks, each beside its raw floor measured in the same run.",
        subcommands = {ApiServerWrites.class, ApiServerReads.class, PodStart.class, Authorization.class, DeploymentCreate.class})
public final class Bench {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    /** Removes a benchmark's scratch directory (etcd data, certificates, logs). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
