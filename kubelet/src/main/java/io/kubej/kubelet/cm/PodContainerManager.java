package io.kubej.kubelet.cm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pod-level cgroups (upstream pkg/kubelet/cm/pod_container_manager_linux.go): sandboxes run
 * under {@code /kubepods/besteffort/pod<uid>} (cgroupfs driver). runc removes each container's
 * own cgroup, but the pod's parent cgroup is the kubelet's to remove once the pod is gone.
 */
public final class PodContainerManager {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private PodContainerManager() {
    }

    public static String cgroupParent(String podUid) {
        return "/kubepods/besteffort/pod" + podUid;
    }

    /** Removes the pod's (empty) cgroup in every hierarchy, v1 or v2; best effort. */
    public static void destroy(String podUid) {
        String relative = cgroupParent(podUid).substring(1);
        try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
            List<Path> candidates = Stream.concat(Stream.of(CGROUP_ROOT), hierarchies)
                    .map(h -> h.resolve(relative)).filter(Files::isDirectory).toList();
            for (Path dir : candidates) {
                // child cgroups first (rmdir only works on empty cgroups)
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                }
            }
        } catch (IOException ignored) {
            // no cgroup file system: nothing to remove
        }
    }
}
