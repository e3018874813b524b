package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.kubej.kubelet.configmap.ConfigMapManager;
import io.kubej.kubelet.fieldpath.FieldPath;
import io.kubej.kubelet.secret.SecretManager;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The files a ConfigMap, Secret or downward API source contributes to a volume (upstream
 * pkg/volume/configmap, secret, downwardapi MakePayload), shared by their own volume types and
 * by projected volumes: every key, or only the listed items at their paths, each with its own
 * mode or the volume's default.
 */
final class Projections {
    static final int DEFAULT_MODE = 0644;

    private Projections() {
    }

    static Map<String, AtomicWriter.FileProjection> configMap(ConfigMapManager configMaps, String namespace, String name,
            List<KeyToPath> items, Boolean optional, int defaultMode) {
        ConfigMap cm = configMaps.getConfigMap(namespace, name);
        if (cm == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new VolumeSetUpException("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        return keys(data, items, optional, defaultMode, "configmap references non-existent config key: ");
    }

    static Map<String, AtomicWriter.FileProjection> secret(SecretManager secrets, String namespace, String name,
            List<KeyToPath> items, Boolean optional, int defaultMode) {
        Secret s = secrets.getSecret(namespace, name);
        if (s == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new VolumeSetUpException("secret \"" + name + "\" not found");
        }
        return keys(SecretManager.data(s), items, optional, defaultMode, "references non-existent secret key: ");
    }

    private static Map<String, AtomicWriter.FileProjection> keys(Map<String, byte[]> data, List<KeyToPath> items,
            Boolean optional, int defaultMode, String missingKey) {
        Map<String, AtomicWriter.FileProjection> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> files.put(k, new AtomicWriter.FileProjection(v, defaultMode)));
            return files;
        }
        for (KeyToPath item : items) {
            byte[] v = data.get(item.getKey());
            if (v == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new VolumeSetUpException(missingKey + item.getKey());
            }
            files.put(item.getPath(), new AtomicWriter.FileProjection(v, item.getMode() != null ? item.getMode() : defaultMode));
        }
        return files;
    }

    static Map<String, AtomicWriter.FileProjection> downwardApi(Pod pod, List<DownwardAPIVolumeFile> items, int defaultMode,
            Supplier<Map<String, Quantity>> nodeAllocatable) {
        Map<String, AtomicWriter.FileProjection> files = new LinkedHashMap<>();
        for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            String value;
            try {
                if (item.getFieldRef() != null) {
                    value = FieldPath.extract(pod, item.getFieldRef().getFieldPath(), new FieldPath.PodAddresses(null, null));
                } else if (item.getResourceFieldRef() != null) {
                    value = FieldPath.resource(pod, item.getResourceFieldRef().getContainerName(), item.getResourceFieldRef(),
                            nodeAllocatable);
                } else {
                    continue;
                }
            } catch (IllegalArgumentException e) {
                throw new VolumeSetUpException(e.getMessage());
            }
            files.put(item.getPath(), new AtomicWriter.FileProjection(value.getBytes(StandardCharsets.UTF_8),
                    item.getMode() != null ? item.getMode() : defaultMode));
        }
        return files;
    }
}
