package io.kubej.kubelet.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathPluginTest {
    @TempDir
    Path dir;
    final HostPathPlugin plugin = new HostPathPlugin();

    static Volume hostPath(Path path, String type) {
        return new VolumeBuilder().withName("v").withNewHostPath().withPath(path.toString()).withType(type).endHostPath().build();
    }

    @Test
    void orCreateTypesCreateTheirPath() throws Exception {
        assertThat(plugin.setUp(null, hostPath(dir.resolve("d"), "DirectoryOrCreate"), dir)).isDirectory();
        assertThat(plugin.setUp(null, hostPath(dir.resolve("f"), "FileOrCreate"), dir)).isRegularFile();
    }

    @Test
    void aPathOfTheWrongTypeFailsTheTypeCheck() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> plugin.setUp(null, hostPath(dir.resolve("file"), "Directory"), dir))
                .isInstanceOf(VolumeSetUpException.class).hasMessage("hostPath type check failed: " + dir.resolve("file") + " is not a directory");
        assertThatThrownBy(() -> plugin.setUp(null, hostPath(dir, "File"), dir)).hasMessageContaining("is not a file");
        assertThatThrownBy(() -> plugin.setUp(null, hostPath(dir.resolve("file"), "Socket"), dir)).hasMessageContaining("is not a socket file");
        assertThat(plugin.setUp(null, hostPath(dir.resolve("missing"), ""), dir)).isEqualTo(dir.resolve("missing"));
    }
}
