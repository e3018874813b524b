package io.kubej.component.server;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers of the API server kept for a while, so that a scraper polling /metrics every few
 * seconds does not cost a TokenReview and a SubjectAccessReview each time (upstream's
 * {@code cache.New} for tokens and the webhook authorizer's decision cache). Each entry has its
 * own time to live: upstream keeps allowed and denied answers for different times.
 */
final class ExpiringCache<K, V> {
    private record Entry<V>(V value, Instant expires) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;

    ExpiringCache(InstantSource clock) {
        this.clock = clock;
    }

    /** The value, or null when absent or expired. */
    V get(K key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    void put(K key, V value, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        if (entries.size() > 10_000) {
            Instant now = clock.instant();
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
        }
        entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
    }
}
