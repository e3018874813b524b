package io.kubej.component;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the upstream component config files (KubeletConfiguration, KubeProxyConfiguration,
 * KubeSchedulerConfiguration, EncryptionConfiguration) as YAML or JSON into kubej's records.
 *
 * <p>Unknown fields are tolerated, as upstream's lenient decoding of older config versions
 * does; each component warns about the fields it does not honour.
 */
public final class ConfigFiles {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ConfigFiles() {
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return YAML.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
