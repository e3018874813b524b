package io.kubej.component;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * This machine's host name, as Go's {@code os.Hostname()} gives it to upstream's components: the
 * kernel's name for the host, read without a DNS lookup. {@link InetAddress#getLocalHost()}
 * resolves the name and can stall for many seconds on a machine whose resolver is unreachable;
 * a leader-election identity or a node name must never wait on DNS.
 */
public final class Hostname {
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private Hostname() {
    }

    /** The host name as the kernel has it (upstream's os.Hostname()). */
    public static String get() {
        try {
            String name = Files.readString(KERNEL_HOSTNAME).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * The default node name, as upstream's {@code nodeutil.GetHostname("")}: the host name in
     * lower case, which is what a Node object's name must be.
     */
    public static String nodeName(String override) {
        String name = override != null && !override.isBlank() ? override.strip() : get();
        return name.toLowerCase(Locale.ROOT);
    }
}
