package io.kubej.pki;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All-or-nothing writes of several files into one directory. Everything is first written to
 * hidden temp files beside the targets (so a key is never visible half-written or with loose
 * permissions), then each temp file is renamed over its target. If anything fails, the temp
 * files are removed and files already replaced are put back: the directory looks as before.
 */
final class AtomicFileSet {
    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private record Staged(byte[] content, Set<PosixFilePermission> mode) {
    }

    /** A file's content and mode before we replaced it, to put back on failure. */
    private record Previous(byte[] content, Set<PosixFilePermission> mode) {
    }

    private final Path dir;
    private final Map<String, Staged> staged = new LinkedHashMap<>();

    AtomicFileSet(Path dir) {
        this.dir = dir;
    }

    /** Adds a file to write; a file whose content and mode are already on disk is skipped. */
    void stage(String name, byte[] content, Set<PosixFilePermission> mode) {
        staged.put(name, new Staged(content, mode));
    }

    /** Writes the staged files that differ from what is on disk; returns their paths. */
    List<Path> commit() throws IOException {
        List<Path> createdDirs = createDirectories();
        Map<String, Path> temps = new LinkedHashMap<>();
        Map<Path, Previous> replaced = new LinkedHashMap<>();
        List<Path> created = new ArrayList<>();
        try {
            for (Map.Entry<String, Staged> e : staged.entrySet()) {
                Path target = dir.resolve(e.getKey());
                if (unchanged(target, e.getValue())) {
                    continue;
                }
                Path tmp = Files.createTempFile(dir, "." + e.getKey() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(e.getValue().mode()));
                temps.put(e.getKey(), tmp);
                Files.write(tmp, e.getValue().content());
                // createTempFile's mode is filtered by the umask; set it exactly
                Files.setPosixFilePermissions(tmp, e.getValue().mode());
            }
            for (Map.Entry<String, Path> e : temps.entrySet()) {
                Path target = dir.resolve(e.getKey());
                Previous before = Files.isRegularFile(target)
                        ? new Previous(Files.readAllBytes(target), Files.getPosixFilePermissions(target))
                        : null;
                move(e.getValue(), target);
                // only after the rename succeeded is there something to undo
                if (before != null) {
                    replaced.put(target, before);
                } else {
                    created.add(target);
                }
            }
            return temps.keySet().stream().map(dir::resolve).toList();
        } catch (IOException | RuntimeException e) {
            rollback(temps.values(), replaced, created);
            removeDirectories(createdDirs);
            throw e;
        }
    }

    /** Creates the directory and any missing parents; returns those created, outermost first. */
    private List<Path> createDirectories() throws IOException {
        List<Path> missing = new ArrayList<>();
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            missing.addFirst(p);
            p = p.getParent();
        }
        if (p != null && !Files.isDirectory(p)) {
            throw new IOException("cannot write to " + dir + ": " + p + " is not a directory");
        }
        List<Path> created = new ArrayList<>();
        try {
            for (Path m : missing) {
                Files.createDirectory(m);
                created.add(m);
            }
        } catch (IOException e) {
            removeDirectories(created);
            throw e;
        }
        return created;
    }

    private static void removeDirectories(List<Path> created) {
        for (Path c : created.reversed()) {
            try {
                Files.deleteIfExists(c);
            } catch (IOException ignored) {
                // not empty: something else wrote there meanwhile; leave it
            }
        }
    }

    private static boolean unchanged(Path target, Staged want) throws IOException {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(target), want.content())
                && Files.getPosixFilePermissions(target).equals(want.mode());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot replace " + to + ": it is not a regular file", e);
        } catch (IOException e) {
            if (Files.isDirectory(to)) {
                throw new IOException("cannot replace " + to + ": it is a directory", e);
            }
            throw e;
        }
    }

    private static void rollback(Iterable<Path> temps, Map<Path, Previous> replaced, List<Path> created) {
        for (Path t : temps) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException ignored) {
                // best effort: a leftover hidden .tmp file is harmless
            }
        }
        for (Path c : created) {
            try {
                Files.deleteIfExists(c);
            } catch (IOException ignored) {
                // not created after all (the move failed)
            }
        }
        for (Map.Entry<Path, Previous> r : replaced.entrySet()) {
            try {
                Path tmp = Files.createTempFile(r.getKey().getParent(), ".restore.", ".tmp",
                        PosixFilePermissions.asFileAttribute(PRIVATE));
                Files.write(tmp, r.getValue().content());
                Files.setPosixFilePermissions(tmp, r.getValue().mode());
                Files.move(tmp, r.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // nothing more we can do; the error that caused the rollback is reported
            }
        }
    }
}
