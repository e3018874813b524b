package io.kubej.kubelet.kuberuntime;

import io.kubej.kubelet.container.PodStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The crash-loop back-off per pod container (upstream kuberuntime_manager.go doBackOff with a
 * flowcontrol.Backoff of 10 s doubling to 5 min): the first restart is immediate, each later
 * one waits twice as long as the one before.
 */
final class CrashLoopBackOff {
    static final Duration INITIAL = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);

    private final Clock clock;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    private final Map<String, Duration> step = new ConcurrentHashMap<>();

    CrashLoopBackOff(Clock clock) {
        this.clock = clock;
    }

    /**
     * How long the container must still wait before it may start again (null: start it now,
     * and the next restart waits one step longer). A container with no instance left but a
     * back-off on record also counts as a restart: a sandbox recreation removed its dead
     * instances, and it must not start afresh because of that.
     */
    Duration remaining(String uid, String name, PodStatus status) {
        String key = uid + "/" + name;
        var latest = status.latest(name);
        boolean restart = latest.isPresent() ? latest.get().exited() : until.containsKey(key);
        if (!restart) {
            return null;
        }
        Instant end = until.get(key);
        Instant now = clock.instant();
        if (end == null) {
            step.put(key, INITIAL);
            until.put(key, now.plus(INITIAL));
            return null;
        }
        if (now.isBefore(end)) {
            return Duration.between(now, end);
        }
        Duration next = step.getOrDefault(key, INITIAL).multipliedBy(2);
        next = next.compareTo(MAX) > 0 ? MAX : next;
        step.put(key, next);
        until.put(key, now.plus(next));
        return null;
    }

    boolean inBackOff(String uid, String name) {
        Instant end = until.get(uid + "/" + name);
        return end != null && clock.instant().isBefore(end);
    }

    void forget(String uid) {
        until.keySet().removeIf(k -> k.startsWith(uid + "/"));
        step.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }
}
