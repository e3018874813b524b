package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One volume type (upstream pkg/volume VolumePlugin + Mounter.SetUp): makes a pod's volume ready
 * on the node. {@link #setUp} runs on every sync of the pod and must be idempotent; for
 * ConfigMap, Secret, downward API and projected volumes it is also how updates reach the pod.
 */
public interface VolumePlugin {

    /** The directory under {@code pods/<uid>/volumes/}, upstream's escaped plugin name ({@code kubernetes.io~empty-dir}). */
    String name();

    boolean canSupport(Volume volume);

    /**
     * Makes the volume ready in {@code dir} (created by the caller's plugin layout, may not exist
     * yet) and returns the host path containers mount, usually {@code dir} itself.
     * Throws {@link VolumeSetUpException} with the reason the user sees in the FailedMount event.
     */
    Path setUp(Pod pod, Volume volume, Path dir) throws IOException;

    /** API data volumes (Secret, ConfigMap, downward API, projected) are always mounted read-only. */
    default boolean readOnly() {
        return false;
    }
}
