package io.kubej.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.kubej.controller.Pods;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplicaSetStatusTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");

    private static ReplicaSet rs(int minReadySeconds) {
        return new ReplicaSetBuilder()
                .withNewMetadata().withName("web").withNamespace("default").withUid("rs-uid").withGeneration(4L).endMetadata()
                .withNewSpec().withReplicas(3).withMinReadySeconds(minReadySeconds)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").addToLabels("tier", "fe").endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    @Test
    void statusCountsReadyAvailableAndFullyLabeledPods() {
        Pod readyLongAgo = Pods.running("a", "n", true, NOW.minusSeconds(60));
        readyLongAgo.getMetadata().getLabels().put("tier", "fe");
        Pod readyJustNow = Pods.running("b", "n", true, NOW.minusSeconds(2));
        Pod notReady = Pods.running("c", "n", false, NOW);
        ReplicaSetStatus s = ReplicaSetController.calculateStatus(rs(10), List.of(readyLongAgo, readyJustNow, notReady), null, NOW);
        assertThat(s.getReplicas()).isEqualTo(3);
        assertThat(s.getReadyReplicas()).isEqualTo(2);
        assertThat(s.getAvailableReplicas()).as("minReadySeconds=10").isEqualTo(1);
        assertThat(s.getFullyLabeledReplicas()).isEqualTo(1);
        assertThat(s.getObservedGeneration()).isEqualTo(4L);
        assertThat(s.getConditions()).isEmpty();
    }

    @Test
    void failedCreateSetsReplicaFailureAndSuccessClearsIt() {
        ReplicaSet r = rs(0);
        ReplicaSetStatus failed = ReplicaSetController.calculateStatus(r, List.of(), "FailedCreate: quota", NOW);
        assertThat(failed.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
        });
        r.setStatus(failed);
        assertThat(ReplicaSetController.calculateStatus(r, List.of(), null, NOW).getConditions()).isEmpty();
    }

    @Test
    void controllerRefIsControllerAndBlocksOwnerDeletion() {
        var ref = io.kubej.controller.ControllerRefManager.controllerRef(rs(0));
        assertThat(ref.getController()).isTrue();
        assertThat(ref.getBlockOwnerDeletion()).isTrue();
        assertThat(ref.getKind()).isEqualTo("ReplicaSet");
        assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
        assertThat(ref.getUid()).isEqualTo("rs-uid");
    }

    @Test
    void slowStartCreatesInBatchesOf1_2_4AndStopsAtTheFirstFailingBatch() {
        AtomicInteger calls = new AtomicInteger();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            var all = SlowStart.batch(10, 1, calls::incrementAndGet, ex);
            assertThat(all.successes()).isEqualTo(10);
            assertThat(all.firstError()).isNull();

            AtomicInteger attempts = new AtomicInteger();
            var failing = SlowStart.batch(10, 1, () -> {
                if (attempts.incrementAndGet() > 3) {
                    throw new IllegalStateException("quota exceeded");
                }
            }, ex);
            // batch 1 (1 call) ok, batch 2 (2 calls) ok, batch 3 (4 calls) fails: 7 calls, none after
            assertThat(attempts.get()).isEqualTo(7);
            assertThat(failing.successes()).isEqualTo(3);
            assertThat(failing.firstError()).isEqualTo("quota exceeded");
        }
    }
}
