package io.kubej.scheduler.internal.queue;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * Where pods wait to be scheduled (upstream: PriorityQueue in pkg/scheduler/internal/queue):
 * <ul>
 *   <li><b>activeQ</b>: pods to try now, highest spec.priority first, then oldest first;</li>
 *   <li><b>backoffQ</b>: pods that failed and wait out a backoff (1 s, doubling per attempt up
 *       to 10 s) before going back to activeQ;</li>
 *   <li><b>unschedulablePods</b>: pods that fit nowhere. Retrying them in a loop would be
 *       pointless; they move back on a cluster event that may make them fit (a node added or
 *       changed, a pod deleted) or after 5 minutes at the latest.</li>
 * </ul>
 * If a cluster event happened while a pod was being scheduled, its failure goes to backoffQ,
 * not unschedulablePods: the event may already have changed the answer (the "moveRequestCycle").
 */
public final class SchedulingQueue {
    public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    public static final Duration MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

    private final LongSupplier clock;
    private final PriorityQueue<QueuedPodInfo> activeQ = new PriorityQueue<>(
            Comparator.comparingInt((QueuedPodInfo p) -> -priority(p.pod))
                    .thenComparingLong(p -> p.timestampNanos));
    private final PriorityQueue<QueuedPodInfo> backoffQ = new PriorityQueue<>(Comparator.comparingLong(this::backoffExpiry));
    private final Map<String, QueuedPodInfo> unschedulable = new HashMap<>();
    /** Every pod the queue holds, in whichever sub-queue, plus those popped and in flight. */
    private final Map<String, QueuedPodInfo> all = new HashMap<>();
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    public SchedulingQueue() {
        this(System::nanoTime);
    }

    public SchedulingQueue(LongSupplier clock) {
        this.clock = clock;
    }

    /** A new pending pod (from the informer). */
    public synchronized void add(Pod pod) {
        String key = key(pod);
        QueuedPodInfo existing = all.get(key);
        if (existing != null) {
            existing.pod = pod;
            return;
        }
        QueuedPodInfo info = new QueuedPodInfo(pod, clock.getAsLong());
        all.put(key, info);
        activeQ.add(info);
        notifyAll();
    }

    /** Blocks for the next pod to schedule; null once closed. Starts a new scheduling cycle. */
    public synchronized QueuedPodInfo pop() throws InterruptedException {
        while (activeQ.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        QueuedPodInfo info = activeQ.poll();
        info.attempts++;
        schedulingCycle++;
        return info;
    }

    public synchronized long schedulingCycle() {
        return schedulingCycle;
    }

    /** The pod was scheduled (or dropped): forget it. */
    public synchronized void done(Pod pod) {
        QueuedPodInfo info = all.get(key(pod));
        if (info != null && !activeQ.contains(info) && !backoffQ.contains(info) && !unschedulable.containsKey(key(pod))) {
            all.remove(key(pod));
        }
    }

    /**
     * A scheduling attempt failed. {@code podSchedulingCycle} is the cycle the attempt started
     * in; if a cluster event came since, the pod goes to backoffQ instead of unschedulablePods.
     */
    public synchronized void addUnschedulable(QueuedPodInfo info, long podSchedulingCycle) {
        String key = key(info.pod);
        if (!all.containsKey(key)) {
            return; // deleted while being scheduled
        }
        info.timestampNanos = clock.getAsLong();
        if (moveRequestCycle >= podSchedulingCycle) {
            backoffQ.add(info);
        } else {
            unschedulable.put(key, info);
        }
    }

    /** A scheduling attempt hit an error (not "does not fit"): retry after the backoff. */
    public synchronized void addBackoff(QueuedPodInfo info) {
        if (!all.containsKey(key(info.pod))) {
            return;
        }
        info.timestampNanos = clock.getAsLong();
        backoffQ.add(info);
    }

    /** The pod changed (new spec or labels): an unschedulable pod gets another chance. */
    public synchronized void update(Pod pod) {
        String key = key(pod);
        QueuedPodInfo info = all.get(key);
        if (info == null) {
            add(pod);
            return;
        }
        info.pod = pod;
        QueuedPodInfo waiting = unschedulable.remove(key);
        if (waiting != null) {
            moveToActiveOrBackoff(waiting);
        }
    }

    public synchronized void delete(Pod pod) {
        String key = key(pod);
        QueuedPodInfo info = all.remove(key);
        if (info != null) {
            activeQ.remove(info);
            backoffQ.remove(info);
            unschedulable.remove(key);
        }
    }

    /** A cluster event that may make unschedulable pods fit (node added/updated, pod deleted). */
    public synchronized void moveAllToActiveOrBackoffQueue(String event) {
        List<QueuedPodInfo> moving = new ArrayList<>(unschedulable.values());
        unschedulable.clear();
        moving.forEach(this::moveToActiveOrBackoff);
        moveRequestCycle = schedulingCycle;
    }

    /** Run periodically (upstream: every 1 s and 30 s): due backoffs to activeQ, stale unschedulables out. */
    public synchronized void flush() {
        long now = clock.getAsLong();
        while (!backoffQ.isEmpty() && backoffExpiry(backoffQ.peek()) <= now) {
            activeQ.add(backoffQ.poll());
            notifyAll();
        }
        List<QueuedPodInfo> stale = unschedulable.values().stream()
                .filter(p -> now - p.timestampNanos > MAX_IN_UNSCHEDULABLE.toNanos()).toList();
        for (QueuedPodInfo p : stale) {
            unschedulable.remove(key(p.pod));
            moveToActiveOrBackoff(p);
        }
    }

    private void moveToActiveOrBackoff(QueuedPodInfo info) {
        if (backoffExpiry(info) > clock.getAsLong()) {
            backoffQ.add(info);
        } else {
            activeQ.add(info);
            notifyAll();
        }
    }

    /** Backoff after n attempts: 1 s, 2 s, 4 s, ... capped at 10 s, counted from the last failure. */
    long backoffExpiry(QueuedPodInfo info) {
        return info.timestampNanos + backoffDuration(info.attempts).toNanos();
    }

    static Duration backoffDuration(int attempts) {
        Duration d = INITIAL_BACKOFF;
        for (int i = 1; i < attempts && d.compareTo(MAX_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    public synchronized int activeCount() {
        return activeQ.size();
    }

    public synchronized int backoffCount() {
        return backoffQ.size();
    }

    public synchronized int unschedulableCount() {
        return unschedulable.size();
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private static int priority(Pod pod) {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
