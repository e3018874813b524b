package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubej.kubelet.configmap.ConfigMapManager;
import java.io.IOException;
import java.nio.file.Path;

/** configMap volumes (upstream pkg/volume/configmap): the keys as files, rewritten atomically when the ConfigMap changes. */
public final class ConfigMapPlugin implements VolumePlugin {
    private final ConfigMapManager configMaps;

    public ConfigMapPlugin(ConfigMapManager configMaps) {
        this.configMaps = configMaps;
    }

    @Override
    public String name() {
        return "kubernetes.io~configmap";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getConfigMap() != null;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        var source = volume.getConfigMap();
        int mode = source.getDefaultMode() != null ? source.getDefaultMode() : Projections.DEFAULT_MODE;
        AtomicWriter.write(dir, Projections.configMap(configMaps, pod.getMetadata().getNamespace(), source.getName(),
                source.getItems(), source.getOptional(), mode));
        return dir;
    }
}
