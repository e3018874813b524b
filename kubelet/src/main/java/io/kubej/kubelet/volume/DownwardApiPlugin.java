package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/** downwardAPI volumes (upstream pkg/volume/downwardapi): the pod's own fields as files; labels and annotations follow edits. */
public final class DownwardApiPlugin implements VolumePlugin {
    private final Supplier<Map<String, Quantity>> nodeAllocatable;

    public DownwardApiPlugin(Supplier<Map<String, Quantity>> nodeAllocatable) {
        this.nodeAllocatable = nodeAllocatable;
    }

    @Override
    public String name() {
        return "kubernetes.io~downward-api";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getDownwardAPI() != null;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        var source = volume.getDownwardAPI();
        int mode = source.getDefaultMode() != null ? source.getDefaultMode() : Projections.DEFAULT_MODE;
        AtomicWriter.write(dir, Projections.downwardApi(pod, source.getItems(), mode, nodeAllocatable));
        return dir;
    }
}
