package io.kubej.apiserver.storage.etcd3;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts etcd's history every {@code --etcd-compaction-interval} (upstream
 * {@code storage/etcd3/compact.go}): each run compacts to the revision seen at the run before,
 * so a watch or a paged list always has one interval of history to continue in, and etcd's
 * database does not grow without bound. A second API server compacting too is harmless: a
 * compaction to an already compacted revision is refused and ignored.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("etcd-compactor").factory());
    private final Etcd3Storage etcd;
    private long previous;

    private Compactor(Etcd3Storage etcd) {
        this.etcd = etcd;
    }

    /** Starts compacting every interval; a zero interval turns compaction off, as upstream. */
    public static Compactor start(Etcd3Storage etcd, Duration interval) {
        Compactor c = new Compactor(etcd);
        if (!interval.isZero()) {
            c.timer.scheduleWithFixedDelay(c::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return c;
    }

    public synchronized void runOnce() {
        try {
            long now = etcd.currentRevision();
            if (previous > 0) {
                etcd.compact(previous);
                log.info("compacted etcd to revision {}", previous);
            }
            previous = now;
        } catch (RuntimeException e) {
            log.info("etcd compaction skipped: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
