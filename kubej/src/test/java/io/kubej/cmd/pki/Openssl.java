package io.kubej.cmd.pki;

import java.util.List;
import java.util.stream.Stream;

/** The real openssl CLI, as the hard way's readers inspect certificates. */
final class Openssl {
    private Openssl() {
    }

    static String run(String... args) throws Exception {
        Cli.Output out = Cli.run(Stream.concat(Stream.of("openssl"), Stream.of(args)).toList(), java.util.Map.of());
        if (out.exitCode() != 0) {
            throw new AssertionError("openssl " + List.of(args) + " failed: " + out.text());
        }
        return out.text();
    }
}
