package io.kubej.apiserver.storage.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.KubeApiserver;
import io.kubej.component.ConfigurationException;
import io.kubej.pki.ClusterPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner's common mistake: an encryption config that does not load. The API server must stop
 * at start with one line naming the file and the problem, exit non-zero, and never serve
 * half-started. No etcd runs here: the config is checked before anything else, so the message
 * is about the file even though etcd is unreachable.
 */
class BadEncryptionConfigIT {
    static final String NO_ETCD = "http://127.0.0.1:9"; // the discard port: nothing answers

    @TempDir
    static Path dir;
    static Path pki;

    @BeforeAll
    static void pki() throws Exception {
        pki = dir.resolve("pki");
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), pki);
    }

    static Path write(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    /** The hard way's file with its 32-byte key replaced by a 16-character string: what a hand-written secret often is. */
    static Path shortKey() throws Exception {
        String good = Files.readString(pki.resolve(ClusterPki.ENCRYPTION_CONFIG));
        String bad = good.replaceFirst("secret: \\S+", "secret: " + java.util.Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()).substring(0, 12));
        return write("short-key.yaml", bad);
    }

    @Test
    void startFailsWithOneLineNamingTheFileAndTheProblem() throws Exception {
        Path file = shortKey();
        KubeApiserver apiserver = EncryptedApiServer.apiserver(pki, NO_ETCD, file);
        try {
            assertThatThrownBy(apiserver::start).isInstanceOf(ConfigurationException.class)
                    .hasMessage("--encryption-provider-config " + file
                            + ": resources[0].providers[0].aescbc.keys[0].secret: 9 bytes once base64-decoded; aescbc takes 16, 24 or 32 bytes");
        } finally {
            apiserver.close();
        }
    }

    @Test
    void eachCommonMistakeIsNamed() throws Exception {
        Path missing = dir.resolve("typo-in-the-path.yaml");
        Path kms = write("kms.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + "  - resources: [secrets]\n    providers:\n      - kms:\n          name: vault\n          endpoint: unix:///tmp/kms.sock\n");
        Path unknown = write("unknown.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + "  - resources: [secrets]\n    providers:\n      - aes-cbc:\n          keys: []\n");
        Path noProviders = write("no-providers.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + "  - resources: [secrets]\n");
        Path badYaml = write("bad.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets\n");
        Path notBase64 = write("not-base64.yaml", Files.readString(pki.resolve(ClusterPki.ENCRYPTION_CONFIG))
                .replaceFirst("secret: \\S+", "secret: \"<BASE 64 ENCODED SECRET>\""));
        for (var c : List.of(
                List.of(missing, "no such file"),
                List.of(kms, "resources[0].providers[0].kms: KMS providers are not supported by kubej (they need a KMS plugin); use aescbc, aesgcm or secretbox"),
                List.of(unknown, "resources[0].providers[0]: unknown provider \"aes-cbc\"; expected aescbc, aesgcm, secretbox or identity"),
                List.of(noProviders, "resources[0].providers: at least one provider is required (identity: {} stores values unencrypted)"),
                List.of(badYaml, "not valid YAML at line "),
                List.of(notBase64, "resources[0].providers[0].aescbc.keys[0].secret: not valid base64"))) {
            KubeApiserver apiserver = EncryptedApiServer.apiserver(pki, NO_ETCD, (Path) c.get(0));
            try {
                assertThatThrownBy(apiserver::start).isInstanceOf(ConfigurationException.class)
                        .hasMessageStartingWith("--encryption-provider-config " + c.get(0) + ": " + c.get(1))
                        .hasMessageNotContaining("\n");
            } finally {
                apiserver.close();
            }
        }
    }

    @Test
    void theProcessExitsNonZeroWithOneErrorLineAndNoStackTrace() throws Exception {
        Path file = shortKey();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), KubeApiserver.class.getName(),
                "--etcd-servers=" + NO_ETCD, "--client-ca-file=" + pki.resolve("ca.pem"),
                "--tls-cert-file=" + pki.resolve("kubernetes.pem"), "--tls-private-key-file=" + pki.resolve("kubernetes-key.pem"),
                "--secure-port=0", "--bind-address=127.0.0.1", "--encryption-provider-config=" + file);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isEqualTo(1);
        List<String> errors = Arrays.stream(out.split("\n")).filter(l -> l.contains("ERROR")).toList();
        assertThat(errors).as(out).singleElement().asString()
                .endsWith("kube-apiserver: failed to start: --encryption-provider-config " + file
                        + ": resources[0].providers[0].aescbc.keys[0].secret: 9 bytes once base64-decoded; aescbc takes 16, 24 or 32 bytes");
        assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception")
                .as("never started").doesNotContain("kube-apiserver: started").doesNotContain("serving");
    }
}
