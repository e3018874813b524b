package io.kubej.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTaintsTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static NodeCondition ready(String status) {
        return new NodeConditionBuilder().withType("Ready").withStatus(status).build();
    }

    static Node node(Taint... taints) {
        return new NodeBuilder().withNewMetadata().withName("worker-0").endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build();
    }

    static List<String> keys(List<Taint> taints) {
        return taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
    }

    @Test
    void anUnreachableNodeIsTaintedUnreachableNoScheduleAndNoExecute() {
        List<Taint> t = NodeTaints.desired(node(), List.of(ready("Unknown")), true, NOW);
        assertThat(keys(t)).containsExactlyInAnyOrder("node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute");
        assertThat(t).filteredOn(x -> x.getEffect().equals("NoExecute")).singleElement()
                .satisfies(x -> assertThat(x.getTimeAdded()).isEqualTo("2026-12-01T10:00:00Z"));
    }

    @Test
    void aNodeTheKubeletCallsNotReadyIsTaintedNotReadyInsteadOfUnreachable() {
        Node n = node(new TaintBuilder().withKey(NodeTaints.UNREACHABLE).withEffect("NoExecute").build());
        assertThat(keys(NodeTaints.desired(n, List.of(ready("False")), true, NOW)))
                .containsExactlyInAnyOrder("node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute");
    }

    @Test
    void aReadyNodeLosesTheControllersTaintsButKeepsOthers() {
        Node n = node(new TaintBuilder().withKey(NodeTaints.UNREACHABLE).withEffect("NoExecute").build(),
                new TaintBuilder().withKey(NodeTaints.UNREACHABLE).withEffect("NoSchedule").build(),
                new TaintBuilder().withKey("dedicated").withValue("gpu").withEffect("NoSchedule").build());
        assertThat(keys(NodeTaints.desired(n, List.of(ready("True")), true, NOW))).containsExactly("dedicated:NoSchedule");
    }

    @Test
    void aTaintStillWantedKeepsItsTimeAdded() {
        Node n = node(new TaintBuilder().withKey(NodeTaints.UNREACHABLE).withEffect("NoExecute").withTimeAdded("2026-12-01T09:00:00Z").build());
        assertThat(NodeTaints.desired(n, List.of(ready("Unknown")), true, NOW))
                .filteredOn(x -> x.getEffect().equals("NoExecute")).singleElement()
                .satisfies(x -> assertThat(x.getTimeAdded()).isEqualTo("2026-12-01T09:00:00Z"));
    }

    @Test
    void pressureConditionsAndCordoningGiveNoScheduleTaints() {
        Node n = new NodeBuilder(node()).editSpec().withUnschedulable(true).endSpec().build();
        List<NodeCondition> c = List.of(ready("True"), new NodeConditionBuilder().withType("MemoryPressure").withStatus("True").build(),
                new NodeConditionBuilder().withType("DiskPressure").withStatus("False").build());
        assertThat(keys(NodeTaints.desired(n, c, true, NOW)))
                .containsExactlyInAnyOrder("node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule");
    }

    @Test
    void inMasterDisruptionModeNoNodeIsTaintedNoExecute() {
        Node n = node(new TaintBuilder().withKey(NodeTaints.UNREACHABLE).withEffect("NoExecute").build());
        assertThat(keys(NodeTaints.desired(n, List.of(ready("Unknown")), false, NOW)))
                .containsExactly("node.kubernetes.io/unreachable:NoSchedule");
    }
}
