package io.kubej.pki;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The API server's {@code --encryption-provider-config} file (apiserver.config.k8s.io/v1
 * EncryptionConfiguration): for each listed resource, providers in order; the first one
 * encrypts new writes, all of them are tried when reading. The hard way encrypts Secrets
 * with aescbc and keeps identity second so plain-text values written before still read.
 *
 * <p>The records mirror the upstream Go types (ResourceConfiguration, ProviderConfiguration,
 * AESConfiguration, SecretboxConfiguration, IdentityConfiguration, Key); exactly one provider
 * field is set per ProviderConfiguration.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "apiVersion", "resources"})
public record EncryptionConfiguration(String kind, String apiVersion, List<ResourceConfiguration> resources) {
    public static final String API_VERSION = "apiserver.config.k8s.io/v1";
    public static final String KIND = "EncryptionConfiguration";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResourceConfiguration(List<String> resources, List<ProviderConfiguration> providers) {
    }

    /** One of aescbc, aesgcm, secretbox, identity (kms is not supported by kubej). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProviderConfiguration(AESConfiguration aescbc, AESConfiguration aesgcm,
                                        SecretboxConfiguration secretbox, IdentityConfiguration identity) {
        public static ProviderConfiguration ofAescbc(Key... keys) {
            return new ProviderConfiguration(new AESConfiguration(List.of(keys)), null, null, null);
        }

        public static ProviderConfiguration ofAesgcm(Key... keys) {
            return new ProviderConfiguration(null, new AESConfiguration(List.of(keys)), null, null);
        }

        public static ProviderConfiguration ofSecretbox(Key... keys) {
            return new ProviderConfiguration(null, null, new SecretboxConfiguration(List.of(keys)), null);
        }

        public static ProviderConfiguration ofIdentity() {
            return new ProviderConfiguration(null, null, null, new IdentityConfiguration());
        }
    }

    public record AESConfiguration(List<Key> keys) {
    }

    public record SecretboxConfiguration(List<Key> keys) {
    }

    /** Empty on purpose: identity stores values as they are. Serialized as {@code identity: {}}. */
    public record IdentityConfiguration() {
    }

    /** {@code secret} is the base64 of the raw key (32 bytes for AES-256 / secretbox). */
    public record Key(String name, String secret) {
    }

    /** The hard way's config: secrets with aescbc key1 (a fresh random 32-byte key), then identity. */
    public static EncryptionConfiguration hardWay() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Key key1 = new Key("key1", Base64.getEncoder().encodeToString(key));
        return new EncryptionConfiguration(KIND, API_VERSION, List.of(new ResourceConfiguration(
                List.of("secrets"),
                List.of(ProviderConfiguration.ofAescbc(key1), ProviderConfiguration.ofIdentity()))));
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static EncryptionConfiguration parse(String yaml) throws IOException {
        EncryptionConfiguration c = YAML.readValue(yaml, EncryptionConfiguration.class);
        if (c == null || !KIND.equals(c.kind()) || !API_VERSION.equals(c.apiVersion())) {
            throw new IOException("not an " + KIND + " (" + API_VERSION + ")");
        }
        return c;
    }

    public static EncryptionConfiguration read(Path file) throws IOException {
        return parse(java.nio.file.Files.readString(file));
    }
}
