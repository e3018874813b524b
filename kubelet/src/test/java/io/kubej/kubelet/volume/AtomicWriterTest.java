package io.kubej.kubelet.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
    @TempDir
    Path dir;

    static AtomicWriter.FileProjection file(String text, int mode) {
        return new AtomicWriter.FileProjection(text.getBytes(), mode);
    }

    @Test
    void filesAreSymlinksThroughDataToATimestampedDirectoryWithTheirModes() throws Exception {
        assertThat(AtomicWriter.write(dir, Map.of("a", file("1", 0400), "sub/b", file("2", 0644)))).isTrue();
        assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();
        assertThat(Files.readSymbolicLink(dir.resolve("a"))).isEqualTo(Path.of("..data/a"));
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("1");
        assertThat(Files.readString(dir.resolve("sub/b"))).isEqualTo("2");
        assertThat(AtomicWriter.mode(Files.getPosixFilePermissions(dir.resolve("a")))).isEqualTo(0400);
    }

    @Test
    void anUpdateSwapsDataAndRemovesTheOldVersionAndVanishedKeys() throws Exception {
        AtomicWriter.write(dir, Map.of("a", file("1", 0644), "gone", file("x", 0644)));
        Path first = Files.readSymbolicLink(dir.resolve("..data"));
        AtomicWriter.write(dir, Map.of("a", file("2", 0644)));
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("2");
        assertThat(Files.exists(dir.resolve("gone"))).isFalse();
        assertThat(Files.exists(dir.resolve(first))).isFalse();
    }

    @Test
    void theSamePayloadWritesNothing() throws Exception {
        AtomicWriter.write(dir, Map.of("a", file("1", 0644)));
        Path version = Files.readSymbolicLink(dir.resolve("..data"));
        assertThat(AtomicWriter.write(dir, Map.of("a", file("1", 0644)))).isFalse();
        assertThat(Files.readSymbolicLink(dir.resolve("..data"))).isEqualTo(version);
        // a mode change alone is a change
        assertThat(AtomicWriter.write(dir, Map.of("a", file("1", 0600)))).isTrue();
    }

    @Test
    void pathsEscapingTheVolumeAreRefused() {
        assertThatThrownBy(() -> AtomicWriter.write(dir, Map.of("../x", file("1", 0644)))).isInstanceOf(VolumeSetUpException.class);
        assertThatThrownBy(() -> AtomicWriter.write(dir, Map.of("/etc/x", file("1", 0644)))).isInstanceOf(VolumeSetUpException.class);
    }
}
