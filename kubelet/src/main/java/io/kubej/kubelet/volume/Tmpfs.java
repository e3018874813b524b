package io.kubej.kubelet.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tmpfs mounts for memory-backed volumes (emptyDir {@code medium: Memory}, and Secrets and
 * projected volumes, which upstream keeps off the disk). Uses mount(8)/umount(8).
 */
public final class Tmpfs {
    private Tmpfs() {
    }

    /** Mounts a tmpfs on {@code dir} unless one is there; {@code sizeBytes} <= 0: the kernel's default. */
    public static void ensureMounted(Path dir, long sizeBytes) throws IOException {
        Files.createDirectories(dir);
        if (isMountPoint(dir)) {
            return;
        }
        String options = "mode=0777" + (sizeBytes > 0 ? ",size=" + sizeBytes : "");
        run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
    }

    public static boolean isMountPoint(Path dir) throws IOException {
        String target = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    /** Unmounts every mount under {@code root}, deepest first (before the pod's directory is removed). */
    public static void unmountUnder(Path root) throws IOException {
        String prefix = root.toAbsolutePath().normalize() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).startsWith(prefix)) {
                mounts.add(unescape(f[4]));
            }
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            run(List.of("umount", m));
        }
    }

    private static String unescape(String mountinfoPath) {
        return mountinfoPath.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
