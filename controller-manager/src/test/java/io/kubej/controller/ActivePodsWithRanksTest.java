package io.kubej.controller;

import static io.kubej.controller.Pods.pod;
import static io.kubej.controller.Pods.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivePodsWithRanksTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<String> order(Pod... pods) {
        return ActivePodsWithRanks.sortForDeletion(List.of(pods)).stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void unscheduledPodsGoBeforeScheduledOnes() {
        Pod scheduled = running("scheduled", "n1", true, T0);
        Pod unscheduled = pod("unscheduled").build();
        assertThat(order(scheduled, unscheduled)).containsExactly("unscheduled", "scheduled");
    }

    @Test
    void pendingGoesBeforeRunning() {
        Pod runningPod = running("running", "n1", false, T0);
        Pod pending = pod("pending").editSpec().withNodeName("n2").endSpec().build();
        assertThat(order(runningPod, pending)).containsExactly("pending", "running");
    }

    @Test
    void notReadyGoesBeforeReady() {
        assertThat(order(running("ready", "n1", true, T0), running("notready", "n2", false, T0)))
                .containsExactly("notready", "ready");
    }

    @Test
    void lowerDeletionCostGoesFirst() {
        Pod cheap = new io.fabric8.kubernetes.api.model.PodBuilder(running("cheap", "n1", true, T0))
                .editMetadata().addToAnnotations(ActivePodsWithRanks.POD_DELETION_COST, "-5").endMetadata().build();
        Pod dear = new io.fabric8.kubernetes.api.model.PodBuilder(running("dear", "n2", true, T0))
                .editMetadata().addToAnnotations(ActivePodsWithRanks.POD_DELETION_COST, "10").endMetadata().build();
        assertThat(order(dear, cheap)).containsExactly("cheap", "dear");
    }

    @Test
    void podsDoubledUpOnANodeGoBeforeLonelyOnes() {
        Pod lonely = running("lonely", "n1", true, T0);
        Pod twinA = running("twin-a", "n2", true, T0);
        Pod twinB = running("twin-b", "n2", true, T0);
        assertThat(order(lonely, twinA, twinB).get(2)).isEqualTo("lonely");
    }

    @Test
    void readyForLessTimeGoesFirst() {
        Pod old = running("old", "n1", true, T0);
        Pod young = running("young", "n2", true, T0.plusSeconds(60));
        assertThat(order(old, young)).containsExactly("young", "old");
    }

    @Test
    void moreRestartsGoFirst() {
        Pod stable = running("stable", "n1", true, T0);
        Pod crashy = new io.fabric8.kubernetes.api.model.PodBuilder(running("crashy", "n2", true, T0))
                .editStatus().addNewContainerStatus().withName("c").withRestartCount(7).endContainerStatus().endStatus().build();
        assertThat(order(stable, crashy)).containsExactly("crashy", "stable");
    }

    @Test
    void newerPodsGoFirstWhenAllElseIsEqual() {
        Pod older = running("older", "n1", true, T0);
        Pod newer = new io.fabric8.kubernetes.api.model.PodBuilder(running("newer", "n2", true, T0))
                .editMetadata().withCreationTimestamp("2026-01-02T00:00:00Z").endMetadata().build();
        assertThat(order(older, newer)).containsExactly("newer", "older");
    }
}
