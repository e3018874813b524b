package io.kubej.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZonesTest {
    static final Zones.Rates RATES = Zones.Rates.DEFAULTS;

    static Node node(String zone, String ready) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(zone + "-" + ready + Math.random())
                .addToLabels(Zones.REGION_LABEL, "eu").addToLabels(Zones.ZONE_LABEL, zone).endMetadata();
        if (ready != null) {
            b.withNewStatus().addNewCondition().withType("Ready").withStatus(ready).endCondition().endStatus();
        }
        return b.build();
    }

    static List<String> statuses(int ready, int notReady) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ready; i++) {
            out.add("True");
        }
        for (int i = 0; i < notReady; i++) {
            out.add(i % 2 == 0 ? "Unknown" : null);
        }
        return out;
    }

    @Test
    void aZoneWithoutAReadyNodeIsFullyDisrupted() {
        assertThat(Zones.state(statuses(0, 1), 0.55)).isEqualTo(Zones.State.FULL_DISRUPTION);
    }

    @Test
    void moreThanTwoNotReadyAndOverTheThresholdIsAPartialDisruption() {
        assertThat(Zones.state(statuses(2, 3), 0.55)).isEqualTo(Zones.State.PARTIAL_DISRUPTION);
        assertThat(Zones.state(statuses(1, 2), 0.55)).as("only 2 not ready").isEqualTo(Zones.State.NORMAL);
        assertThat(Zones.state(statuses(5, 3), 0.55)).as("3 of 8 is under 55%").isEqualTo(Zones.State.NORMAL);
    }

    @Test
    void aPartiallyDisruptedSmallZoneStopsTaintingALargeOneSlowsDown() {
        assertThat(Zones.taintRate(Zones.State.NORMAL, 10, RATES)).isEqualTo(0.1);
        assertThat(Zones.taintRate(Zones.State.PARTIAL_DISRUPTION, 50, RATES)).isZero();
        assertThat(Zones.taintRate(Zones.State.PARTIAL_DISRUPTION, 51, RATES)).isEqualTo(0.01);
        assertThat(Zones.taintRate(Zones.State.FULL_DISRUPTION, 3, RATES)).isEqualTo(0.1);
    }

    @Test
    void masterDisruptionModeIsEveryZoneFullyDisrupted() {
        Map<String, Zones.State> one = Zones.states(List.of(node("a", "Unknown"), node("b", "True")), 0.55);
        assertThat(one).containsEntry("eu:a", Zones.State.FULL_DISRUPTION).containsEntry("eu:b", Zones.State.NORMAL);
        assertThat(Zones.allFullyDisrupted(one)).isFalse();
        assertThat(Zones.allFullyDisrupted(Zones.states(List.of(node("a", "Unknown"), node("b", "False")), 0.55))).isTrue();
        assertThat(Zones.allFullyDisrupted(Map.of())).isFalse();
    }

    @Test
    void nodesWithoutZoneLabelsShareOneZone() {
        Node bare = new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();
        assertThat(Zones.zoneOf(bare)).isEqualTo(":");
    }

    @Test
    void theLimiterLetsOneNodeGoAtOnceAndTheNextAfterOneOverTheRate() {
        Zones.Limiter limiter = new Zones.Limiter(0.1);
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(limiter.tryAccept(t0)).isEqualTo(Duration.ZERO);
        assertThat(limiter.tryAccept(t0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(6));
        assertThat(limiter.tryAccept(t0.plusSeconds(10))).isEqualTo(Duration.ZERO);
        limiter.setRate(0);
        assertThat(limiter.tryAccept(t0.plusSeconds(100))).isNull();
    }
}
