package io.kubej.apiserver.storage.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubej.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Verifying that data is encrypted" steps of the upstream task page, against a real etcd:
 * an API server started with the hard way's encryption-config.yaml (from {@code kubej pki init}:
 * Secrets with aescbc key1, then identity) stores Secrets encrypted and everything else as JSON.
 */
class EncryptionAtRestIT {
    @TempDir
    static Path dir;
    static EncryptedApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EncryptedApiServer.start(dir, dir.resolve("pki").resolve("encryption-config.yaml"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSecretIsStoredEncryptedWithKey1AndReadsBackThroughTheApi() throws Exception {
        String ns = server.newNamespace();
        EncryptedApiServer.Shell created = server.shell("kubectl create secret generic secret1 -n " + ns + " --from-literal=mykey=mydata");
        assertThat(created.exit()).as(created.out()).isZero();

        byte[] stored = server.rawValue("/registry/secrets/" + ns + "/secret1");
        assertThat(text(stored)).startsWith("k8s:enc:aescbc:v1:key1:")
                .doesNotContain("mydata").doesNotContain("bXlkYXRh").doesNotContain("secret1").doesNotContain("\"kind\"");

        EncryptedApiServer.Shell read = server.shell("kubectl get secret secret1 -n " + ns + " -o jsonpath='{.data.mykey}'");
        assertThat(read.out()).isEqualTo("bXlkYXRh");
        assertThat(server.client.secrets().inNamespace(ns).withName("secret1").get().getData()).containsEntry("mykey", "bXlkYXRh");
    }

    @Test
    void aConfigMapIsNotListedSoItStaysPlainJson() throws Exception {
        String ns = server.newNamespace();
        server.client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .addToData("colour", "blue").build()).create();

        byte[] stored = server.rawValue("/registry/configmaps/" + ns + "/settings");
        JsonNode json = Json.MAPPER.readTree(stored);
        assertThat(json.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(json.path("data").path("colour").asText()).isEqualTo("blue");
    }

    @Test
    void aSecretStoredBeforeEncryptionReadsThroughIdentityAndItsNextWriteEncryptsIt() throws Exception {
        String ns = server.newNamespace();
        // what a Secret written before --encryption-provider-config was set looks like in etcd
        String key = "/registry/secrets/" + ns + "/old";
        server.putRaw(key, ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"old\",\"namespace\":\"" + ns
                + "\",\"uid\":\"3f1c2a9e-0000-4000-8000-000000000001\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},"
                + "\"type\":\"Opaque\",\"data\":{\"k\":\"cGxhaW4=\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(server.client.secrets().inNamespace(ns).withName("old").get().getData()).containsEntry("k", "cGxhaW4=");

        // "Ensure all Secrets are encrypted": an unchanged replace writes it again, now encrypted
        EncryptedApiServer.Shell replaced = server.shell("kubectl get secret old -n " + ns + " -o json | kubectl replace -f -");
        assertThat(replaced.exit()).as(replaced.out()).isZero();
        assertThat(text(server.rawValue(key))).startsWith("k8s:enc:aescbc:v1:key1:").doesNotContain("cGxhaW4=");
        assertThat(server.client.secrets().inNamespace(ns).withName("old").get().getData()).containsEntry("k", "cGxhaW4=");
    }

    @Test
    void anUnchangedReplaceOfAnEncryptedSecretWritesNothing() throws Exception {
        String ns = server.newNamespace();
        Secret s = server.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
                .addToData("k", "dg==").build()).create();
        EncryptedApiServer.Shell replaced = server.shell("kubectl get secret s -n " + ns + " -o json | kubectl replace -f -");
        assertThat(replaced.exit()).as(replaced.out()).isZero();
        assertThat(server.client.secrets().inNamespace(ns).withName("s").get().getMetadata().getResourceVersion())
                .as("already stored under the current key: not stale, so the no-op update is skipped")
                .isEqualTo(s.getMetadata().getResourceVersion());
    }

    @Test
    void aSecretUnderAKeyNotInTheConfigIsA500NamingTheKeyAndTheServerServesOn() throws Exception {
        String ns = server.newNamespace();
        server.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("fine").endMetadata()
                .addToData("k", "dg==").build()).create();
        // written by an API server whose config had a key9 this one does not have
        byte[] ciphertext = new byte[48];
        new SecureRandom().nextBytes(ciphertext);
        String key = "/registry/secrets/" + ns + "/lost";
        byte[] prefix = "k8s:enc:aescbc:v1:key9:".getBytes(StandardCharsets.US_ASCII);
        byte[] value = Arrays.copyOf(prefix, prefix.length + ciphertext.length);
        System.arraycopy(ciphertext, 0, value, prefix.length, ciphertext.length);
        server.putRaw(key, value);
        try {
            assertThatThrownBy(() -> server.client.secrets().inNamespace(ns).withName("lost").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(500);
                        assertThat(e.getStatus().getReason()).isEqualTo("InternalError");
                        assertThat(e.getStatus().getMessage()).isEqualTo("Internal error occurred: cannot read " + key
                                + ": it was encrypted with aescbc key \"key9\", which the providers for secrets in --encryption-provider-config "
                                + server.pkiEncryptionConfig() + " do not have");
                    });
            EncryptedApiServer.Shell listed = server.shell("kubectl get secrets -n " + ns);
            assertThat(listed.exit()).isNotZero();
            assertThat(listed.out()).contains("aescbc key \"key9\"");

            // the other Secret and every other resource are still served
            assertThat(server.client.secrets().inNamespace(ns).withName("fine").get().getData()).isEqualTo(Map.of("k", "dg=="));
            server.client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("after").endMetadata()
                    .build()).create();
            assertThat(server.client.configMaps().inNamespace(ns).withName("after").get()).isNotNull();
        } finally {
            server.deleteRaw(key); // the upstream page's only recourse: delete the key from etcd
        }
        assertThat(server.client.secrets().inNamespace(ns).list().getItems()).extracting(x -> x.getMetadata().getName()).containsExactly("fine");
    }

    @Test
    void secretDataIsBase64OfTheValueNotTheCiphertext() throws Exception {
        String ns = server.newNamespace();
        server.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("b").endMetadata()
                .addToStringData("password", "hunter2").build()).create();
        String data = server.client.secrets().inNamespace(ns).withName("b").get().getData().get("password");
        assertThat(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8)).isEqualTo("hunter2");
        assertThat(text(server.rawValue("/registry/secrets/" + ns + "/b"))).doesNotContain("hunter2").doesNotContain(data);
    }
}
