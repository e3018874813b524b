package io.kubej.cmd.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code kubej pki init} and {@code kubej pki issue} as a learner runs them. */
class PkiInitCommandTest {
    static final List<String> HARD_WAY_FILES = List.of("ca.pem", "ca-key.pem", "kubernetes.pem",
            "kubernetes-key.pem", "admin.pem", "admin-key.pem", "worker-0.pem", "worker-0-key.pem",
            "kube-controller-manager.pem", "kube-controller-manager-key.pem", "kube-proxy.pem", "kube-proxy-key.pem",
            "kube-scheduler.pem", "kube-scheduler-key.pem", "service-account.pem", "service-account-key.pem",
            "admin.kubeconfig", "worker-0.kubeconfig", "kube-proxy.kubeconfig",
            "kube-controller-manager.kubeconfig", "kube-scheduler.kubeconfig", "encryption-config.yaml");

    @Test
    void initWritesAndPrintsEveryFileOfTheHardWay(@TempDir Path tmp) {
        Path dir = tmp.resolve("pki");
        KubejRun run = KubejRun.of("pki", "init", "--dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        for (String f : HARD_WAY_FILES) {
            assertThat(dir.resolve(f)).isRegularFile();
            assertThat(run.out()).contains("wrote " + dir.resolve(f));
        }
    }

    @Test
    void secondInitKeepsTheSameCaCertificateBytesAndIsFast(@TempDir Path dir) throws Exception {
        assertThat(KubejRun.of("pki", "init", "--dir", dir.toString()).exitCode()).isZero();
        Map<String, byte[]> before = snapshot(dir);
        long start = System.nanoTime();
        KubejRun again = KubejRun.of("pki", "init", "--dir", dir.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).doesNotContain("wrote").contains("kept 22 existing files unchanged");
        assertThat(snapshot(dir)).containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void rotateFlagIssuesANewCa(@TempDir Path dir) throws Exception {
        assertThat(KubejRun.of("pki", "init", "--dir", dir.toString()).exitCode()).isZero();
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
        KubejRun rotated = KubejRun.of("pki", "init", "--dir", dir.toString(), "--rotate");
        assertThat(rotated.exitCode()).isZero();
        assertThat(rotated.out()).contains("wrote " + dir.resolve("ca.pem"));
        assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isNotEqualTo(ca);
    }

    @Test
    void helpDocumentsTheFlagsAndTheirDefaults() {
        KubejRun help = KubejRun.of("pki", "init", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--dir", "Default: ./pki", "--cluster-name", "Default: kubernetes",
                "--controllers", "controller-0=127.0.0.1", "--workers", "worker-0=127.0.0.1",
                "--public-address", "--service-cidr", "10.32.0.0/24", "--rotate");
    }

    @Test
    void issueSignsAnExtraCertificateWithTheExistingCa(@TempDir Path dir) throws Exception {
        assertThat(KubejRun.of("pki", "init", "--dir", dir.toString()).exitCode()).isZero();
        KubejRun issue = KubejRun.of("pki", "issue", "--dir", dir.toString(), "--name", "jane", "--cn", "jane",
                "--org", "developers", "--san", "jane.example,10.9.8.7", "--client");
        assertThat(issue.exitCode()).as(issue.err()).isZero();
        assertThat(issue.out()).contains("wrote " + dir.resolve("jane.pem"), "wrote " + dir.resolve("jane-key.pem"));
        String text = Openssl.run("x509", "-text", "-noout", "-in", dir.resolve("jane.pem").toString());
        assertThat(text).contains("O = developers, CN = jane", "DNS:jane.example", "IP Address:10.9.8.7",
                "TLS Web Client Authentication").doesNotContain("TLS Web Server Authentication");
        assertThat(Openssl.run("verify", "-CAfile", dir.resolve("ca.pem").toString(),
                dir.resolve("jane.pem").toString())).contains("OK");
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(List.of("pki", "init", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("pki", "init", "--workers", "worker-0=10.0.0.300"), "invalid IP address \"10.0.0.300\""),
                Arguments.of(List.of("pki", "init", "--public-address", "not an address"), "invalid public address"),
                Arguments.of(List.of("pki", "init", "--service-cidr", "10.32.0.0/40"), "invalid CIDR \"10.32.0.0/40\""),
                Arguments.of(List.of("pki", "init", "--service-cidr", "10.32.0.0"), "invalid CIDR"),
                Arguments.of(List.of("pki", "init", "--controllers", "controller-0"), "expected name=IP"),
                Arguments.of(List.of("pki", "init", "--workers", "worker-0=10.0.0.1,worker-0=10.0.0.2"), "listed twice"),
                Arguments.of(List.of("pki", "issue", "--name", "x"), "Missing required option: '--cn=CN'"),
                Arguments.of(List.of("pki", "issue", "--name", "ca", "--cn", "evil"), "is the cluster CA itself"),
                Arguments.of(List.of("pki", "issue", "--name", "x", "--cn", "x", "--san", "bad_name!"),
                        "invalid subject alternative name"));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputFailsWithOneLineErrorAndLeavesTheDirectoryUnchanged(List<String> args, String message,
                                                                      @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "untouched");
        Map<String, byte[]> before = snapshot(dir);
        KubejRun run = KubejRun.of(Stream.concat(args.stream(), Stream.of("--dir", dir.toString())).toArray(String[]::new));
        assertOneLineError(run, message);
        assertThat(snapshot(dir)).containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void pkiWithoutASubcommandSaysWhichOnesExist() {
        assertOneLineError(KubejRun.of("pki"), "use 'kubej pki init' or 'kubej pki issue'");
    }

    @Test
    void unwritableDirectoryFailsWithOneLineErrorAndCreatesNothing(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("a-file"), "x");
        KubejRun run = KubejRun.of("pki", "init", "--dir", tmp.resolve("a-file").resolve("pki").toString());
        assertOneLineError(run, "not a directory");
        assertThat(snapshot(tmp)).containsOnlyKeys("a-file");
    }

    @Test
    void issueWithoutACaFailsWithOneLineError(@TempDir Path dir) throws Exception {
        KubejRun run = KubejRun.of("pki", "issue", "--dir", dir.toString(), "--name", "x", "--cn", "x");
        assertOneLineError(run, "no CA in");
        assertThat(snapshot(dir)).isEmpty();
    }

    @Test
    void initOverAnExistingPkiWithAnUnreadableCaFailsAndChangesNothing(@TempDir Path dir) throws Exception {
        assertThat(KubejRun.of("pki", "init", "--dir", dir.toString()).exitCode()).isZero();
        Files.writeString(dir.resolve("ca.pem"), "garbage\n");
        Map<String, byte[]> before = snapshot(dir);
        KubejRun run = KubejRun.of("pki", "init", "--dir", dir.toString());
        assertOneLineError(run, "ca.pem");
        assertThat(snapshot(dir)).containsExactlyInAnyOrderEntriesOf(before);
    }

    static void assertOneLineError(KubejRun run, String message) {
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err().lines().toList()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains(message)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).doesNotContain("wrote");
    }

    static Map<String, byte[]> snapshot(Path dir) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(p -> !p.equals(dir)).toList()) {
                out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return out;
    }
}
