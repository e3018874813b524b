package io.kubej.apiserver.storage.value;

import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.KEY;
import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.storage.ValueTransformer;
import io.kubej.apiserver.storage.ValueTransformer.TransformError;
import io.kubej.component.ConfigurationException;
import io.kubej.pki.EncryptionConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading an EncryptionConfiguration: which resource gets which providers, the prefixes, reads by every key, and the start-up errors. */
class EncryptionConfigTest {
    static final String KEY1 = b64(32, 1);
    static final String KEY2 = b64(32, 2);

    @TempDir
    Path dir;

    static String b64(int size, int fill) {
        return Base64.getEncoder().encodeToString(AesCbcTransformerTest.key(size, fill));
    }

    Path file(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "encryption", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    ResourceTransformers load(String yaml) throws Exception {
        return EncryptionConfig.load(file(yaml));
    }

    static String config(String resources, String providers) {
        return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + "  - resources: [" + resources + "]\n    providers:\n" + providers;
    }

    static String aes(String type, String... nameSecret) {
        StringBuilder b = new StringBuilder("      - " + type + ":\n          keys:\n");
        for (int i = 0; i < nameSecret.length; i += 2) {
            b.append("            - name: ").append(nameSecret[i]).append("\n              secret: ").append(nameSecret[i + 1]).append('\n');
        }
        return b.toString();
    }

    static final String IDENTITY = "      - identity: {}\n";

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** What a config whose problem is given says: the one line the API server stops with. */
    String problem(String yaml) throws Exception {
        Path f = file(yaml);
        try {
            EncryptionConfig.load(f);
        } catch (ConfigurationException e) {
            assertThat(e.getMessage()).startsWith("--encryption-provider-config " + f + ": ").doesNotContain("\n");
            return e.getMessage().substring(("--encryption-provider-config " + f + ": ").length());
        }
        throw new AssertionError("loaded without a problem: " + yaml);
    }

    // --- prefixes, writes and reads

    @Test
    void theFirstProvidersFirstKeyWritesWithItsPrefix() throws Exception {
        ValueTransformer t = load(config("secrets", aes("aescbc", "key1", KEY1, "key2", KEY2) + IDENTITY)).forResource("", "secrets");
        byte[] stored = t.toStorage(KEY, PLAIN);
        assertThat(text(stored)).startsWith("k8s:enc:aescbc:v1:key1:").doesNotContain("aHVudGVyMg");
        ValueTransformer.Read read = t.fromStorage(KEY, stored);
        assertThat(read.value()).isEqualTo(PLAIN);
        assertThat(read.stale()).isFalse();
    }

    @Test
    void eachProviderHasItsPrefix() throws Exception {
        for (String type : new String[] {"aescbc", "aesgcm", "secretbox"}) {
            ValueTransformer t = load(config("secrets", aes(type, "k", KEY1))).forResource("", "secrets");
            assertThat(text(t.toStorage(KEY, PLAIN))).startsWith("k8s:enc:" + type + ":v1:k:");
            assertThat(t.fromStorage(KEY, t.toStorage(KEY, PLAIN)).value()).isEqualTo(PLAIN);
        }
    }

    @Test
    void everyKeyOfEveryProviderReadsAndAnythingButTheFirstIsStale() throws Exception {
        ValueTransformer before = load(config("secrets", aes("aescbc", "key1", KEY1))).forResource("", "secrets");
        ValueTransformer gcm = load(config("secrets", aes("aesgcm", "other", KEY2))).forResource("", "secrets");
        ValueTransformer after = load(config("secrets", aes("aescbc", "key2", KEY2, "key1", KEY1)
                + aes("aesgcm", "other", KEY2) + IDENTITY)).forResource("", "secrets");

        ValueTransformer.Read underKey1 = after.fromStorage(KEY, before.toStorage(KEY, PLAIN));
        assertThat(underKey1.value()).isEqualTo(PLAIN);
        assertThat(underKey1.stale()).as("written with the second key").isTrue();
        ValueTransformer.Read underGcm = after.fromStorage(KEY, gcm.toStorage(KEY, PLAIN));
        assertThat(underGcm.value()).isEqualTo(PLAIN);
        assertThat(underGcm.stale()).as("written by the second provider").isTrue();
        ValueTransformer.Read underKey2 = after.fromStorage(KEY, after.toStorage(KEY, PLAIN));
        assertThat(underKey2.stale()).as("written the way it writes now").isFalse();
    }

    @Test
    void identityReadsUnprefixedValuesStaleUnlessItWritesToo() throws Exception {
        ValueTransformer encrypting = load(config("secrets", aes("aescbc", "key1", KEY1) + IDENTITY)).forResource("", "secrets");
        ValueTransformer.Read plain = encrypting.fromStorage(KEY, PLAIN);
        assertThat(plain.value()).isEqualTo(PLAIN);
        assertThat(plain.stale()).as("stored before encryption was turned on").isTrue();

        // decrypting everything (the upstream page's "Decrypting all data"): identity first, the old key second
        ValueTransformer decrypting = load(config("secrets", IDENTITY + aes("aescbc", "key1", KEY1))).forResource("", "secrets");
        assertThat(decrypting.toStorage(KEY, PLAIN)).isEqualTo(PLAIN);
        assertThat(decrypting.fromStorage(KEY, PLAIN).stale()).isFalse();
        ValueTransformer.Read encrypted = decrypting.fromStorage(KEY, encrypting.toStorage(KEY, PLAIN));
        assertThat(encrypted.value()).isEqualTo(PLAIN);
        assertThat(encrypted.stale()).isTrue();
    }

    @Test
    void aValueUnderAKeyTheConfigDoesNotHaveIsAnErrorNamingIt() throws Exception {
        ValueTransformer old = load(config("secrets", aes("aescbc", "key1", KEY1))).forResource("", "secrets");
        Path f = file(config("secrets", aes("aescbc", "key2", KEY2) + IDENTITY));
        ValueTransformer now = EncryptionConfig.load(f).forResource("", "secrets");
        byte[] stored = old.toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> now.fromStorage(KEY, stored)).isInstanceOf(TransformError.class)
                .hasMessage("cannot read " + KEY + ": it was encrypted with aescbc key \"key1\", which the providers for secrets in "
                        + "--encryption-provider-config " + f + " do not have");
    }

    @Test
    void theSameKeyNameWithAnotherSecretIsADecryptionError() throws Exception {
        ValueTransformer old = load(config("secrets", aes("aesgcm", "key1", KEY1))).forResource("", "secrets");
        ValueTransformer now = load(config("secrets", aes("aesgcm", "key1", KEY2))).forResource("", "secrets");
        byte[] stored = old.toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> now.fromStorage(KEY, stored)).isInstanceOf(TransformError.class)
                .hasMessage("cannot decrypt " + KEY + " with aesgcm key \"key1\": AES-GCM decryption failed (AEADBadTagException)");
    }

    @Test
    void anUnencryptedValueWithoutIdentityIsAnError() throws Exception {
        ValueTransformer t = load(config("secrets", aes("aescbc", "key1", KEY1))).forResource("", "secrets");
        assertThatThrownBy(() -> t.fromStorage(KEY, PLAIN)).isInstanceOf(TransformError.class)
                .hasMessageContaining("it is stored unencrypted").hasMessageContaining("no identity provider");
    }

    @Test
    void withoutAConfigAnEncryptedValueIsRefusedNotServedAsGarbage() throws Exception {
        byte[] stored = load(config("secrets", aes("aescbc", "key1", KEY1))).forResource("", "secrets").toStorage(KEY, PLAIN);
        ValueTransformer none = ResourceTransformers.NONE.forResource("", "secrets");
        assertThat(none.toStorage(KEY, PLAIN)).isEqualTo(PLAIN);
        assertThat(none.fromStorage(KEY, PLAIN).value()).isEqualTo(PLAIN);
        assertThatThrownBy(() -> none.fromStorage(KEY, stored)).isInstanceOf(TransformError.class)
                .hasMessageContaining("aescbc key \"key1\"").hasMessageContaining("no --encryption-provider-config");
    }

    @Test
    void theHardWaysConfigFromPkiEncryptsSecretsWithKey1() throws Exception {
        ResourceTransformers t = load(EncryptionConfiguration.hardWay().toYaml());
        assertThat(text(t.forResource("", "secrets").toStorage(KEY, PLAIN))).startsWith("k8s:enc:aescbc:v1:key1:");
        assertThat(t.forResource("", "configmaps").toStorage(KEY, PLAIN)).isEqualTo(PLAIN);
    }

    // --- which resources

    static final String ALL_KINDS = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "  - resources: [events]\n    providers:\n" + IDENTITY
            + "  - resources: [secrets, pandas.awesome.bears.example]\n    providers:\n" + aes("aescbc", "s", KEY1)
            + "  - resources: ['*.apps']\n    providers:\n" + aes("aesgcm", "apps", KEY1)
            + "  - resources: ['*.']\n    providers:\n" + aes("secretbox", "core", KEY1)
            + "  - resources: ['*.*']\n    providers:\n" + aes("aescbc", "all", KEY2);

    String prefixOf(ResourceTransformers t, String group, String resource) {
        String stored = text(t.forResource(group, resource).toStorage(KEY, PLAIN));
        return stored.startsWith("k8s:enc:") ? stored.substring(0, stored.indexOf(':', stored.indexOf(":v1:") + 4) + 1) : "identity";
    }

    @Test
    void theFirstEntryThatNamesAResourceDecides() throws Exception {
        ResourceTransformers t = load(ALL_KINDS);
        assertThat(prefixOf(t, "", "secrets")).isEqualTo("k8s:enc:aescbc:v1:s:");
        assertThat(prefixOf(t, "awesome.bears.example", "pandas")).isEqualTo("k8s:enc:aescbc:v1:s:");
        assertThat(prefixOf(t, "apps", "deployments")).isEqualTo("k8s:enc:aesgcm:v1:apps:");
        assertThat(prefixOf(t, "", "configmaps")).as("*. is the core group").isEqualTo("k8s:enc:secretbox:v1:core:");
        assertThat(prefixOf(t, "batch", "jobs")).as("*.* is everything else").isEqualTo("k8s:enc:aescbc:v1:all:");
        assertThat(prefixOf(t, "stable.example.com", "crontabs")).isEqualTo("k8s:enc:aescbc:v1:all:");
        assertThat(prefixOf(t, "", "events")).as("listed before *.* with identity: opted out").isEqualTo("identity");
        assertThat(prefixOf(t, "events.k8s.io", "events")).as("stored as core events").isEqualTo("identity");
    }

    @Test
    void aNameMatchesOnlyItsOwnGroup() throws Exception {
        ResourceTransformers t = load(config("secrets, deployments.apps", aes("aescbc", "key1", KEY1)));
        assertThat(prefixOf(t, "", "secrets")).isEqualTo("k8s:enc:aescbc:v1:key1:");
        assertThat(prefixOf(t, "apps", "deployments")).isEqualTo("k8s:enc:aescbc:v1:key1:");
        assertThat(prefixOf(t, "example.com", "secrets")).isEqualTo("identity");
        assertThat(prefixOf(t, "apps", "replicasets")).isEqualTo("identity");
        assertThat(prefixOf(t, "", "configmaps")).as("not listed: unencrypted").isEqualTo("identity");
    }

    @Test
    void anUnlistedResourceReadsPlainValuesAndNamesTheFileWhenOneIsEncrypted() throws Exception {
        Path f = file(config("secrets", aes("aescbc", "key1", KEY1)));
        ResourceTransformers t = EncryptionConfig.load(f);
        ValueTransformer configmaps = t.forResource("", "configmaps");
        assertThat(configmaps.fromStorage(KEY, PLAIN).value()).isEqualTo(PLAIN);
        byte[] encrypted = t.forResource("", "secrets").toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> configmaps.fromStorage(KEY, encrypted)).hasMessageContaining("configmaps (identity only: "
                + "--encryption-provider-config " + f + " does not list it)");
    }

    // --- what stops the API server

    @Test
    void aMissingFileIsOneLine() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> EncryptionConfig.load(missing)).isInstanceOf(ConfigurationException.class)
                .hasMessage("--encryption-provider-config " + missing + ": no such file");
    }

    @Test
    void problemsAreNamedByTheirPathInTheFile() throws Exception {
        assertThat(problem("resources: [\n  - oops")).startsWith("not valid YAML at line ");
        assertThat(problem("")).isEqualTo("the file is empty");
        assertThat(problem("apiVersion: v1\nkind: Config\nresources:\n  - resources: [secrets]\n    providers:\n" + IDENTITY))
                .isEqualTo("kind must be EncryptionConfiguration and apiVersion apiserver.config.k8s.io/v1, not kind \"Config\" apiVersion \"v1\"");
        assertThat(problem("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"))
                .isEqualTo("resources: at least one entry is required");
        assertThat(problem(config("secrets", "")))
                .isEqualTo("resources[0].providers: at least one provider is required (identity: {} stores values unencrypted)");
        assertThat(problem(config("", IDENTITY))).isEqualTo("resources[0].resources: at least one resource is required");
        assertThat(problem(config("secrets", "      - aes:\n          keys: []\n")))
                .isEqualTo("resources[0].providers[0]: unknown provider \"aes\"; expected aescbc, aesgcm, secretbox or identity");
        assertThat(problem(config("secrets", "      - kms:\n          name: vault\n          endpoint: unix:///kms.sock\n")))
                .startsWith("resources[0].providers[0].kms: KMS providers are not supported by kubej");
        assertThat(problem(config("secrets", "      - identity: {}\n        aescbc:\n          keys: []\n")))
                .startsWith("resources[0].providers[0]: each provider is its own list element");
        assertThat(problem(config("secrets", "      - aescbc:\n          keys: []\n")))
                .isEqualTo("resources[0].providers[0].aescbc.keys: at least one key is required");
    }

    @Test
    void keyProblemsNeverShowTheSecret() throws Exception {
        assertThat(problem(config("secrets", aes("aescbc", "key1", b64(8, 1)))))
                .isEqualTo("resources[0].providers[0].aescbc.keys[0].secret: 8 bytes once base64-decoded; aescbc takes 16, 24 or 32 bytes");
        assertThat(problem(config("secrets", aes("secretbox", "key1", b64(16, 1)))))
                .isEqualTo("resources[0].providers[0].secretbox.keys[0].secret: 16 bytes once base64-decoded; secretbox takes 32 bytes");
        assertThat(problem(config("secrets", IDENTITY + aes("aesgcm", "key1", KEY1, "key2", "not*base64!"))))
                .isEqualTo("resources[0].providers[1].aesgcm.keys[1].secret: not valid base64");
        assertThat(problem(config("secrets", aes("aescbc", "key1", KEY1, "key1", KEY2))))
                .isEqualTo("resources[0].providers[0].aescbc.keys[1].name \"key1\": used twice in this provider; key names must be unique");
        assertThat(problem(config("secrets", "      - aescbc:\n          keys:\n            - name: key1\n")))
                .startsWith("resources[0].providers[0].aescbc.keys[0].secret: every key needs a secret");
        String twoProblems = problem(config("secrets", aes("aescbc", "key1", b64(8, 1), "key2", b64(20, 1))));
        assertThat(twoProblems).contains("keys[0].secret: 8 bytes").contains("; ").contains("keys[1].secret: 20 bytes")
                .doesNotContain(b64(8, 1)).doesNotContain(b64(20, 1));
    }

    @Test
    void resourceNamesAreCheckedAsUpstreamChecksThem() throws Exception {
        assertThat(problem(config("Secrets", IDENTITY))).startsWith("resources[0].resources[0] \"Secrets\": resource names are lower case");
        assertThat(problem(config("'*'", IDENTITY))).startsWith("resources[0].resources[0] \"*\": use *. for every resource of the core group");
        assertThat(problem(config("events.events.k8s.io", IDENTITY))).contains("use events instead");
        assertThat(problem(config("'secrets.*'", IDENTITY))).contains("cannot be named across groups");
        assertThat(problem(config("secrets, secrets", IDENTITY))).isEqualTo("resources[0].resources[1] \"secrets\": listed twice");
        assertThat(problem(config("secrets, '*.'", IDENTITY))).contains("a wildcard overlaps another name of the same list");
        assertThat(problem(config("deployments.apps, '*.apps'", IDENTITY))).contains("a wildcard overlaps");
        assertThat(problem(config("secrets, '*.*'", IDENTITY))).contains("a wildcard overlaps");
        // different groups do not overlap
        load(config("secrets, '*.apps'", IDENTITY));
    }
}
