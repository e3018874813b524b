package io.kubej.apiserver.storage.value;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Rotating a decryption key" from the upstream task page, step by step, with restarts of the
 * API server over the same etcd: add key2 second, make it first, re-encrypt every Secret with
 * {@code kubectl get secrets --all-namespaces -o json | kubectl replace -f -}, drop key1.
 */
class EncryptionKeyRotationIT {
    @TempDir
    Path dir;

    static final String KEY1 = randomKey();
    static final String KEY2 = randomKey();

    static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** Secrets with aescbc and the given keys in order (name, secret, ...), then identity. */
    Path config(String name, String... keys) throws Exception {
        StringBuilder b = new StringBuilder("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + "  - resources:\n      - secrets\n    providers:\n      - aescbc:\n          keys:\n");
        for (int i = 0; i < keys.length; i += 2) {
            b.append("            - name: ").append(keys[i]).append("\n              secret: ").append(keys[i + 1]).append('\n');
        }
        b.append("      - identity: {}\n");
        Path f = dir.resolve(name);
        Files.writeString(f, b);
        return f;
    }

    void createSecret(EncryptedApiServer server, String ns, String name) {
        server.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToStringData("password", "pw-of-" + name).build()).create();
    }

    /** Every stored Secret's key name in its prefix ({@code key1}), by etcd key. */
    Map<String, String> storedKeyNames(EncryptedApiServer server) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        server.rawValues("/registry/secrets/").forEach((key, value) -> {
            String text = new String(value, StandardCharsets.ISO_8859_1);
            assertThat(text).as(key).startsWith("k8s:enc:aescbc:v1:");
            out.put(key, text.substring("k8s:enc:aescbc:v1:".length(), text.indexOf(':', "k8s:enc:aescbc:v1:".length())));
        });
        return out;
    }

    void assertEverySecretReads(EncryptedApiServer server, String... nsAndNames) {
        for (int i = 0; i < nsAndNames.length; i += 2) {
            String data = server.client.secrets().inNamespace(nsAndNames[i]).withName(nsAndNames[i + 1]).get().getData().get("password");
            assertThat(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8)).isEqualTo("pw-of-" + nsAndNames[i + 1]);
        }
    }

    @Test
    void rotatingToKey2ReEncryptsEverySecretWithKubectlReplace() throws Exception {
        try (EncryptedApiServer server = EncryptedApiServer.start(dir, config("key1.yaml", "key1", KEY1))) {
            String a = server.newNamespace();
            String b = server.newNamespace();
            createSecret(server, a, "db");
            createSecret(server, a, "api");
            createSecret(server, b, "tls");
            assertThat(storedKeyNames(server)).hasSize(3).containsValues("key1").doesNotContainValue("key2");

            // 1. key2 added as the second key: both read, key1 still writes
            server.restart(config("key1-key2.yaml", "key1", KEY1, "key2", KEY2));
            assertEverySecretReads(server, a, "db", a, "api", b, "tls");
            createSecret(server, b, "written-with-key1-first");
            assertThat(storedKeyNames(server)).allSatisfy((key, name) -> assertThat(name).as(key).isEqualTo("key1"));

            // 2. key2 moved first: new writes use key2, Secrets under key1 still read
            server.restart(config("key2-key1.yaml", "key2", KEY2, "key1", KEY1));
            assertEverySecretReads(server, a, "db", a, "api", b, "tls", b, "written-with-key1-first");
            createSecret(server, a, "written-with-key2-first");
            assertThat(storedKeyNames(server)).containsEntry("/registry/secrets/" + a + "/written-with-key2-first", "key2")
                    .containsEntry("/registry/secrets/" + a + "/db", "key1");

            // 3. the page's command, as it is: read every Secret and write it back unchanged (kubectl
            // validates the List against the OpenAPI v2 document)
            EncryptedApiServer.Shell replaced = server.shell(
                    "kubectl get secrets --all-namespaces -o json | kubectl replace -f -");
            assertThat(replaced.exit()).as(replaced.out()).isZero();
            Map<String, String> after = storedKeyNames(server);
            assertThat(after).hasSize(5).allSatisfy((key, name) -> assertThat(name).as(key).isEqualTo("key2"));

            // 4. key1 removed from the config: every Secret still reads
            server.restart(config("key2.yaml", "key2", KEY2));
            assertEverySecretReads(server, a, "db", a, "api", b, "tls", b, "written-with-key1-first", a, "written-with-key2-first");
        }
    }
}
