package io.kubej.controller.podgc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodGcSelectionTest {

    static Pod pod(String name, String phase, String created) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withCreationTimestamp(created).endMetadata()
                .withNewSpec().withNodeName("worker-0").endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void terminatedPodsOverTheThresholdGoOldestFirst() {
        List<Pod> pods = List.of(pod("c", "Succeeded", "2026-01-03T00:00:00Z"), pod("a", "Failed", "2026-01-01T00:00:00Z"),
                pod("running", "Running", "2025-01-01T00:00:00Z"), pod("b", "Succeeded", "2026-01-02T00:00:00Z"));
        assertThat(names(PodGcSelection.terminatedOverThreshold(pods, 1))).containsExactly("a", "b");
        assertThat(PodGcSelection.terminatedOverThreshold(pods, 3)).isEmpty();
    }

    @Test
    void evictedPodsGoBeforeOlderTerminatedOnes() {
        Pod evicted = new PodBuilder(pod("evicted", "Failed", "2026-01-05T00:00:00Z")).editStatus().withReason("Evicted").endStatus().build();
        List<Pod> pods = List.of(pod("old", "Succeeded", "2026-01-01T00:00:00Z"), evicted);
        assertThat(names(PodGcSelection.terminatedOverThreshold(pods, 1))).containsExactly("evicted");
    }

    @Test
    void aThresholdOfZeroKeepsEveryTerminatedPod() {
        assertThat(PodGcSelection.terminatedOverThreshold(List.of(pod("a", "Failed", "2026-01-01T00:00:00Z")), 0)).isEmpty();
    }

    @Test
    void equalCreationTimesAreOrderedByName() {
        List<Pod> pods = List.of(pod("y", "Failed", "2026-01-01T00:00:00Z"), pod("x", "Failed", "2026-01-01T00:00:00Z"));
        assertThat(names(PodGcSelection.terminatedOverThreshold(pods, 1))).containsExactly("x");
    }

    @Test
    void podsOnNodesTheCacheLacksAreCandidatesUnscheduledOnesAreNot() {
        Pod unscheduled = new PodBuilder(pod("u", "Pending", "2026-01-01T00:00:00Z")).editSpec().withNodeName(null).endSpec().build();
        Pod elsewhere = new PodBuilder(pod("e", "Running", "2026-01-01T00:00:00Z")).editSpec().withNodeName("worker-1").endSpec().build();
        assertThat(PodGcSelection.missingNodes(List.of(pod("p", "Running", "2026-01-01T00:00:00Z"), unscheduled, elsewhere), Set.of("worker-1")))
                .containsExactly("worker-0");
    }

    @Test
    void terminatingPodsThatWereNeverScheduledAreCollected() {
        Pod doomed = new PodBuilder(pod("d", "Pending", "2026-01-01T00:00:00Z")).editMetadata().withDeletionTimestamp("2026-01-02T00:00:00Z")
                .endMetadata().editSpec().withNodeName(null).endSpec().build();
        Pod scheduled = new PodBuilder(pod("s", "Running", "2026-01-01T00:00:00Z")).editMetadata().withDeletionTimestamp("2026-01-02T00:00:00Z")
                .endMetadata().build();
        assertThat(names(PodGcSelection.unscheduledTerminating(List.of(doomed, scheduled)))).containsExactly("d");
    }

    @Test
    void terminatingPodsOnAnOutOfServiceNotReadyNodeAreCollected() {
        Pod terminating = new PodBuilder(pod("t", "Running", "2026-01-01T00:00:00Z")).editMetadata().withDeletionTimestamp("2026-01-02T00:00:00Z")
                .endMetadata().build();
        Node outOfService = new NodeBuilder().withNewMetadata().withName("worker-0").endMetadata()
                .withNewSpec().addNewTaint().withKey(PodGcSelection.OUT_OF_SERVICE).withValue("nodeshutdown").withEffect("NoExecute").endTaint().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("Unknown").endCondition().endStatus().build();
        Node readyAgain = new NodeBuilder(outOfService).editStatus().editFirstCondition().withStatus("True").endCondition().endStatus().build();
        Node notTainted = new NodeBuilder(outOfService).editSpec().withTaints(List.of()).endSpec().build();
        assertThat(names(PodGcSelection.terminatingOutOfService(List.of(terminating), Map.of("worker-0", outOfService)::get))).containsExactly("t");
        assertThat(PodGcSelection.terminatingOutOfService(List.of(terminating), Map.of("worker-0", readyAgain)::get)).isEmpty();
        assertThat(PodGcSelection.terminatingOutOfService(List.of(terminating), Map.of("worker-0", notTainted)::get)).isEmpty();
        // not terminating: left alone
        assertThat(PodGcSelection.terminatingOutOfService(List.of(pod("r", "Running", "2026-01-01T00:00:00Z")),
                Map.of("worker-0", outOfService)::get)).isEmpty();
    }
}
