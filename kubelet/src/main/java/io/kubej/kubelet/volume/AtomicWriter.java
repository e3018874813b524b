package io.kubej.kubelet.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a volume's files so a reader never sees half an update (upstream
 * pkg/volume/util/atomic_writer.go): each version goes into a new hidden directory
 * {@code ..<timestamp>}; the symlink {@code ..data} points at the current one and is swapped with
 * one rename; every visible name is a symlink through {@code ..data}
 * ({@code key -> ..data/key}). A payload equal to what is there writes nothing.
 */
public final class AtomicWriter {
    static final String DATA = "..data";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS");

    /** One file of a volume: its content and permission bits (e.g. 0644). */
    public record FileProjection(byte[] data, int mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileProjection f && f.mode == mode && Arrays.equals(f.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + mode;
        }
    }

    private AtomicWriter() {
    }

    /** Makes {@code dir} hold exactly {@code payload} (relative path -> file); returns whether anything changed. */
    public static boolean write(Path dir, Map<String, FileProjection> payload) throws IOException {
        for (String path : payload.keySet()) {
            if (path.isEmpty() || path.startsWith("/") || path.startsWith("..") || Arrays.asList(path.split("/")).contains("..")) {
                throw new VolumeSetUpException("invalid path " + path);
            }
        }
        Files.createDirectories(dir);
        Path data = dir.resolve(DATA);
        Path oldTarget = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        if (oldTarget != null && payload.equals(read(oldTarget))) {
            return false;
        }
        Path version = dir.resolve(".." + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
        Files.createDirectory(version);
        for (var e : payload.entrySet()) {
            Path file = version.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue().data());
            Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
        }
        Files.setPosixFilePermissions(version, permissions(0755));
        Path tmp = dir.resolve(DATA + "_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, version.getFileName());
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        Set<String> top = new HashSet<>();
        payload.keySet().forEach(p -> top.add(p.split("/")[0]));
        for (String name : top) {
            try {
                Files.createSymbolicLink(dir.resolve(name), Path.of(DATA, name));
            } catch (FileAlreadyExistsException present) {
                // same link as before
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith("..") && !top.contains(name) && Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
            }
        }
        if (oldTarget != null && !oldTarget.equals(version)) {
            deleteRecursively(oldTarget);
        }
        return true;
    }

    private static Map<String, FileProjection> read(Path version) throws IOException {
        Map<String, FileProjection> files = new java.util.HashMap<>();
        if (!Files.isDirectory(version)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(version)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(version.relativize(p).toString(), new FileProjection(Files.readAllBytes(p),
                        mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))));
            }
        }
        return files;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    static int mode(Set<PosixFilePermission> set) {
        int mode = 0;
        for (int bit = 0; bit < 9; bit++) {
            if (set.contains(permissions(1 << bit).iterator().next())) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
