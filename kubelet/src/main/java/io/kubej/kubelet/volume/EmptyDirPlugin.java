package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * emptyDir (upstream pkg/volume/emptydir): a directory that lives as long as the pod, mode 0777;
 * {@code medium: Memory} makes it a tmpfs, sized by sizeLimit when given. A disk emptyDir's
 * sizeLimit is not enforced yet and is refused before the pod starts (UnsupportedPodFeatures).
 */
public final class EmptyDirPlugin implements VolumePlugin {
    @Override
    public String name() {
        return "kubernetes.io~empty-dir";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getEmptyDir() != null;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        var source = volume.getEmptyDir();
        if ("Memory".equals(source.getMedium())) {
            long size = source.getSizeLimit() == null ? 0 : Quantity.getAmountInBytes(source.getSizeLimit()).longValue();
            Tmpfs.ensureMounted(dir, size);
        } else if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, AtomicWriter.permissions(0777));
        return dir;
    }
}
