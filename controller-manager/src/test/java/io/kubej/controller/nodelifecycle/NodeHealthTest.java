package io.kubej.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class NodeHealthTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(40);
    static final Duration STARTUP = Duration.ofSeconds(60);

    static Node node(String readyStatus, String heartbeat) {
        return new NodeBuilder().withNewMetadata().withName("worker-0").withCreationTimestamp("2026-12-01T09:00:00Z").endMetadata()
                .withNewStatus()
                    .addNewCondition().withType("Ready").withStatus(readyStatus).withReason("KubeletReady")
                        .withLastHeartbeatTime(heartbeat).withLastTransitionTime("2026-12-01T09:00:00Z").endCondition()
                    .addNewCondition().withType("MemoryPressure").withStatus("False").withLastHeartbeatTime(heartbeat)
                        .withLastTransitionTime("2026-12-01T09:00:00Z").endCondition()
                    .addNewCondition().withType("NetworkUnavailable").withStatus("False").endCondition()
                .endStatus().build();
    }

    static Lease lease(Instant renew) {
        return new LeaseBuilder().withNewMetadata().withName("worker-0").withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withRenewTime(ZonedDateTime.ofInstant(renew, ZoneOffset.UTC)).endSpec().build();
    }

    @Test
    void aRenewedLeaseKeepsTheNodeHealthyThoughItsStatusIsOld() {
        Node n = node("True", "2026-12-01T09:00:00Z");
        NodeHealth.Probe p = NodeHealth.observe(null, n, lease(T0), T0);
        p = NodeHealth.observe(p, n, lease(T0.plusSeconds(30)), T0.plusSeconds(30));
        p = NodeHealth.observe(p, n, lease(T0.plusSeconds(60)), T0.plusSeconds(60));
        assertThat(NodeHealth.stale(p, n, T0.plusSeconds(90), GRACE, STARTUP)).isFalse();
    }

    @Test
    void noHeartbeatForTheGracePeriodMakesTheNodeStale() {
        Node n = node("True", "2026-12-01T09:00:00Z");
        NodeHealth.Probe p = NodeHealth.observe(null, n, lease(T0), T0);
        p = NodeHealth.observe(p, n, lease(T0), T0.plusSeconds(30));
        assertThat(NodeHealth.stale(p, n, T0.plusSeconds(40), GRACE, STARTUP)).isFalse();
        p = NodeHealth.observe(p, n, lease(T0), T0.plusSeconds(41));
        assertThat(NodeHealth.stale(p, n, T0.plusSeconds(41), GRACE, STARTUP)).isTrue();
    }

    @Test
    void aNewStatusHeartbeatCountsLikeALeaseRenewal() {
        NodeHealth.Probe p = NodeHealth.observe(null, node("True", "2026-12-01T10:00:00Z"), null, T0);
        p = NodeHealth.observe(p, node("True", "2026-12-01T10:00:35Z"), null, T0.plusSeconds(35));
        assertThat(NodeHealth.stale(p, node("True", "2026-12-01T10:00:35Z"), T0.plusSeconds(70), GRACE, STARTUP)).isFalse();
    }

    @Test
    void aNodeThatNeverPostedReadyGetsTheStartupGracePeriod() {
        Node fresh = new NodeBuilder().withNewMetadata().withName("worker-0").endMetadata().build();
        NodeHealth.Probe p = NodeHealth.observe(null, fresh, null, T0);
        assertThat(NodeHealth.stale(p, fresh, T0.plusSeconds(50), GRACE, STARTUP)).isFalse();
        assertThat(NodeHealth.stale(p, fresh, T0.plusSeconds(61), GRACE, STARTUP)).isTrue();
    }

    @Test
    void staleConditionsBecomeUnknownKeepingTheirHeartbeat() {
        Node n = node("True", "2026-12-01T09:59:00Z");
        var out = NodeHealth.unknownConditions(n, T0);
        NodeCondition ready = out.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("Unknown");
        assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        assertThat(ready.getLastHeartbeatTime()).isEqualTo("2026-12-01T09:59:00Z");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z");
        // a condition the kubelet does not own is left as it is
        assertThat(out).filteredOn(c -> c.getType().equals("NetworkUnavailable")).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));
        // those never posted are added, as never updated
        assertThat(out).filteredOn(c -> c.getType().equals("DiskPressure")).singleElement()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("NodeStatusNeverUpdated"));
        Node after = new NodeBuilder(n).editStatus().withConditions(out).endStatus().build();
        assertThat(NodeHealth.allUnknown(after)).isTrue();
        assertThat(NodeHealth.allUnknown(n)).isFalse();
    }

    @Test
    void markingUnknownTwiceKeepsTheFirstTransitionTime() {
        Node n = node("True", "2026-12-01T09:59:00Z");
        Node once = new NodeBuilder(n).editStatus().withConditions(NodeHealth.unknownConditions(n, T0)).endStatus().build();
        var twice = NodeHealth.unknownConditions(once, T0.plusSeconds(30));
        assertThat(twice).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                .satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z"));
    }

    @Test
    void theControllersOwnUnknownDoesNotCountAsAHeartbeat() {
        Node n = node("True", "2026-12-01T09:59:00Z");
        NodeHealth.Probe p = NodeHealth.observe(null, n, null, T0);
        Node unknown = new NodeBuilder(n).editStatus().withConditions(NodeHealth.unknownConditions(n, T0.plusSeconds(41))).endStatus().build();
        p = NodeHealth.observe(p, unknown, null, T0.plusSeconds(45));
        assertThat(p.probeTime()).isEqualTo(T0);
    }
}
