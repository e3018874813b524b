package io.kubej.testcluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the kubej checkout is, so tests and {@code kubej up} can start the built launchers in
 * {@code bin/} (each runs one component's shaded jar).
 */
public final class KubejHome {
    private KubejHome() {
    }

    /** The repository root: {@code -Dkubej.root}, {@code $KUBEJ_ROOT}, or found upwards from here. */
    public static Path root() {
        String configured = System.getProperty("kubej.root", System.getenv("KUBEJ_ROOT"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("bin/kubej")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the kubej checkout; set KUBEJ_ROOT");
    }

    /** The launcher {@code bin/<name>} (kube-apiserver, kubelet, ...). */
    public static Path launcher(String name) {
        return root().resolve("bin").resolve(name);
    }
}
