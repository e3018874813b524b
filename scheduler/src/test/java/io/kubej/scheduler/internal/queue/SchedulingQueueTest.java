package io.kubej.scheduler.internal.queue;

import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SchedulingQueue q = new SchedulingQueue(now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void higherPriorityPodsPopFirstThenOlderOnes() throws Exception {
        q.add(pod("old", null, null));
        advance(Duration.ofMillis(1));
        q.add(pod("new", null, null));
        Pod important = new PodBuilder(pod("important", null, null)).editSpec().withPriority(1000).endSpec().build();
        q.add(important);
        assertThat(q.pop().pod().getMetadata().getName()).isEqualTo("important");
        assertThat(q.pop().pod().getMetadata().getName()).isEqualTo("old");
        assertThat(q.pop().pod().getMetadata().getName()).isEqualTo("new");
    }

    @Test
    void addingAQueuedPodAgainDoesNotDuplicateIt() {
        q.add(pod("a", null, null));
        q.add(pod("a", null, null));
        assertThat(q.activeCount()).isEqualTo(1);
    }

    @Test
    void unschedulablePodWaitsForAClusterEvent() throws Exception {
        q.add(pod("a", null, null));
        QueuedPodInfo info = q.pop();
        q.addUnschedulable(info, q.schedulingCycle());
        assertThat(q.unschedulableCount()).isEqualTo(1);
        advance(Duration.ofSeconds(30));
        q.flush();
        assertThat(q.activeCount()).as("no event: still waiting").isZero();
        q.moveAllToActiveOrBackoffQueue("NodeAdd");
        assertThat(q.activeCount()).isEqualTo(1);
    }

    @Test
    void unschedulablePodIsRetriedAfterFiveMinutesAnyway() throws Exception {
        q.add(pod("a", null, null));
        q.addUnschedulable(q.pop(), q.schedulingCycle());
        advance(SchedulingQueue.MAX_IN_UNSCHEDULABLE.plusSeconds(1));
        q.flush();
        assertThat(q.activeCount()).isEqualTo(1);
    }

    @Test
    void aClusterEventDuringTheCycleSendsTheFailedPodToBackoffNotUnschedulable() throws Exception {
        q.add(pod("a", null, null));
        QueuedPodInfo info = q.pop();
        long cycle = q.schedulingCycle();
        q.moveAllToActiveOrBackoffQueue("NodeAdd"); // a node arrived while we were filtering
        q.addUnschedulable(info, cycle);
        assertThat(q.unschedulableCount()).isZero();
        assertThat(q.backoffCount()).isEqualTo(1);
        advance(Duration.ofMillis(500));
        q.flush();
        assertThat(q.activeCount()).as("still backing off").isZero();
        advance(Duration.ofMillis(600));
        q.flush();
        assertThat(q.activeCount()).isEqualTo(1);
    }

    @Test
    void backoffDoublesPerAttemptUpToTenSeconds() {
        assertThat(SchedulingQueue.backoffDuration(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SchedulingQueue.backoffDuration(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SchedulingQueue.backoffDuration(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(SchedulingQueue.backoffDuration(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SchedulingQueue.backoffDuration(50)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void deletedPodLeavesTheQueue() throws Exception {
        Pod a = pod("a", null, null);
        q.add(a);
        QueuedPodInfo info = q.pop();
        q.delete(a);
        q.addUnschedulable(info, q.schedulingCycle());
        assertThat(q.unschedulableCount()).isZero();
    }
}
