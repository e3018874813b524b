package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * hostPath (upstream pkg/volume/hostpath): a node path mounted as it is, after the type check
 * (DirectoryOrCreate and FileOrCreate create it; Directory, File, Socket, CharDevice and
 * BlockDevice must already be one; "" checks nothing).
 */
public final class HostPathPlugin implements VolumePlugin {
    @Override
    public String name() {
        return "kubernetes.io~host-path";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getHostPath() != null;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        Path path = Path.of(volume.getHostPath().getPath());
        String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
        switch (type) {
            case "" -> { }
            case "DirectoryOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, AtomicWriter.permissions(0755));
                } else if (!Files.isDirectory(path)) {
                    throw fail(path, "is not a directory");
                }
            }
            case "Directory" -> {
                if (!Files.isDirectory(path)) {
                    throw fail(path, "is not a directory");
                }
            }
            case "FileOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createFile(path);
                    Files.setPosixFilePermissions(path, AtomicWriter.permissions(0644));
                } else if (!Files.isRegularFile(path)) {
                    throw fail(path, "is not a file");
                }
            }
            case "File" -> {
                if (!Files.isRegularFile(path)) {
                    throw fail(path, "is not a file");
                }
            }
            case "Socket", "CharDevice", "BlockDevice" -> {
                if (!Files.exists(path) || !fileType(path).equals(type)) {
                    throw fail(path, switch (type) {
                        case "Socket" -> "is not a socket file";
                        case "CharDevice" -> "is not a character device";
                        default -> "is not a block device";
                    });
                }
            }
            default -> throw new VolumeSetUpException("hostPath type " + type + " is not valid");
        }
        return path;
    }

    private static String fileType(Path path) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class);
        if (attrs.isOther()) {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return switch (mode & 0170000) {
                case 0140000 -> "Socket";
                case 0020000 -> "CharDevice";
                case 0060000 -> "BlockDevice";
                default -> "other";
            };
        }
        return "other";
    }

    private static VolumeSetUpException fail(Path path, String what) {
        return new VolumeSetUpException("hostPath type check failed: " + path + " " + what);
    }
}
