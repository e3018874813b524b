package io.kubej.kubelet.volumemanager;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubej.kubelet.volume.Tmpfs;
import io.kubej.kubelet.volume.VolumePlugin;
import io.kubej.kubelet.volume.VolumeSetUpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The pods' volumes on this node (upstream pkg/kubelet/volumemanager): the desired state is the
 * pod spec's volumes, the actual state what {@link #mountVolumes} set up last, kept per pod. Each
 * volume is its plugin's ({@link VolumePlugin}, one per type) and lives in
 * {@code <root-dir>/pods/<uid>/volumes/<plugin>/<volume>}, which survives a kubelet restart.
 *
 * <p>Upstream runs a reconciler loop beside the pod workers and syncPod waits for it
 * (WaitForAttachAndMount); kubej's pod worker calls {@link #mountVolumes} itself on every sync,
 * which is also when ConfigMap, Secret, downward API and token files are refreshed.
 */
public final class VolumeManager {
    /** A volume ready to be mounted into containers. */
    public record MountedVolume(String name, Path hostPath, boolean readOnly) {
    }

    private final Path rootDir;
    private final List<VolumePlugin> plugins;
    private final Map<String, Map<String, MountedVolume>> actual = new ConcurrentHashMap<>();

    public VolumeManager(Path rootDir, List<VolumePlugin> plugins) {
        this.rootDir = rootDir;
        this.plugins = plugins;
    }

    /** {@code <root-dir>/pods/<uid>}: the pod's volumes, its /etc/hosts. */
    public Path podDir(String uid) {
        return rootDir.resolve("pods").resolve(uid);
    }

    /** Whether a plugin handles this volume (UnsupportedPodFeatures refuses the others). */
    public boolean supports(Volume volume) {
        return plugins.stream().anyMatch(p -> p.canSupport(volume));
    }

    /**
     * Sets up (or refreshes) every volume of the pod. Throws {@link VolumeSetUpException} with
     * upstream's FailedMount message for the first one that cannot be set up.
     */
    public Map<String, MountedVolume> mountVolumes(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Map<String, MountedVolume> mounted = new LinkedHashMap<>();
        for (Volume v : Objects.requireNonNullElse(pod.getSpec().getVolumes(), List.<Volume>of())) {
            VolumePlugin plugin = plugins.stream().filter(p -> p.canSupport(v)).findFirst()
                    .orElseThrow(() -> new VolumeSetUpException("no volume plugin for volume \"" + v.getName() + "\""));
            Path dir = podDir(uid).resolve("volumes").resolve(plugin.name()).resolve(v.getName());
            try {
                mounted.put(v.getName(), new MountedVolume(v.getName(), plugin.setUp(pod, v, dir), plugin.readOnly()));
            } catch (VolumeSetUpException | IOException e) {
                throw new VolumeSetUpException("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage());
            }
        }
        actual.put(uid, mounted);
        return mounted;
    }

    /** What {@link #mountVolumes} set up last for this pod (empty if nothing). */
    public Map<String, MountedVolume> mountedVolumes(String uid) {
        return actual.getOrDefault(uid, Map.of());
    }

    /** The uids that have a directory under {@code pods/} (housekeeping removes those of pods gone). */
    public List<String> podsOnDisk() {
        Path pods = rootDir.resolve("pods");
        if (!Files.isDirectory(pods)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(pods)) {
            return list.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pod gone for good: its tmpfs mounts are unmounted and its directory removed (never following links). */
    public void cleanupPod(String uid) {
        actual.remove(uid);
        Path dir = podDir(uid);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Tmpfs.unmountUnder(dir);
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning up " + dir, e);
        }
    }
}
