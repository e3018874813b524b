package io.kubej.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log backend of auditing ({@code --audit-log-path}, upstream's lumberjack-rotated file):
 * one JSON event per line. Past {@code --audit-log-maxsize} megabytes the file is renamed
 * {@code <name>-<timestamp>.<ext>} and a new one started; at most
 * {@code --audit-log-maxbackup} old files are kept, none older than {@code --audit-log-maxage}
 * days. {@code -} writes to standard output.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

    private final Path path;
    private final long maxBytes;
    private final int maxBackups;
    private final Duration maxAge;
    private OutputStream out;
    private long written;

    /**
     * @param maxSizeMb 0 = never rotate; @param maxBackups 0 = keep all; @param maxAgeDays 0 = no age limit
     */
    public AuditLog(String path, int maxSizeMb, int maxBackups, int maxAgeDays) throws IOException {
        this.path = path.equals("-") ? null : Path.of(path);
        this.maxBytes = maxSizeMb <= 0 ? Long.MAX_VALUE : maxSizeMb * 1024L * 1024L;
        this.maxBackups = maxBackups;
        this.maxAge = maxAgeDays <= 0 ? null : Duration.ofDays(maxAgeDays);
        open();
    }

    private void open() throws IOException {
        if (path == null) {
            out = System.out;
            return;
        }
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(path);
    }

    public synchronized void write(byte[] event) {
        try {
            if (path != null && written + event.length + 1 > maxBytes && written > 0) {
                rotate();
            }
            out.write(event);
            out.write('\n');
            out.flush();
            written += event.length + 1;
        } catch (IOException e) {
            log.warn("writing the audit log {} failed: {}", path, e.toString());
        }
    }

    private void rotate() throws IOException {
        out.close();
        try {
            moveAside();
        } finally {
            open(); // whatever happened, keep a file to write to
        }
    }

    private void moveAside() throws IOException {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String stamp = BACKUP_TIME.format(Instant.now());
        Path backup = path.resolveSibling(base + "-" + stamp + ext);
        for (int n = 1; Files.exists(backup); n++) { // several rotations within a millisecond
            backup = path.resolveSibling(base + "-" + stamp + "-" + n + ext);
        }
        Files.move(path, backup);
        pruneBackups(base, ext);
    }

    private void pruneBackups(String base, String ext) throws IOException {
        List<Path> backups = new ArrayList<>();
        try (Stream<Path> files = Files.list(path.toAbsolutePath().getParent())) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(base + "-") && n.endsWith(ext) && !p.equals(path);
            }).forEach(backups::add);
        }
        // newest first: by the timestamp in the name, then by the collision counter after it
        int stampAt = base.length() + 1;
        int stampLength = "yyyy-MM-ddTHH-mm-ss.SSS".length();
        Comparator<Path> byStamp = Comparator.comparing(p -> p.getFileName().toString().substring(stampAt, stampAt + stampLength));
        Comparator<Path> byCounter = Comparator.comparingInt(p -> {
            String rest = p.getFileName().toString().substring(stampAt + stampLength);
            rest = rest.substring(0, rest.length() - ext.length());
            return rest.matches("-\\d+") ? Integer.parseInt(rest.substring(1)) : 0;
        });
        backups.removeIf(p -> p.getFileName().toString().length() < stampAt + stampLength + ext.length());
        backups.sort(byStamp.thenComparing(byCounter).reversed());
        Instant cutoff = maxAge == null ? null : Instant.now().minus(maxAge);
        for (int i = 0; i < backups.size(); i++) {
            Path b = backups.get(i);
            boolean tooMany = maxBackups > 0 && i >= maxBackups;
            boolean tooOld = cutoff != null && Files.getLastModifiedTime(b).toInstant().isBefore(cutoff);
            if (tooMany || tooOld) {
                Files.deleteIfExists(b);
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (path != null && out != null) {
                out.close();
            }
        } catch (IOException e) {
            log.debug("closing the audit log: {}", e.toString());
        }
    }
}
