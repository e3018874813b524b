package io.kubej.scheduler.framework.plugins.nodeunschedulable;

import static io.kubej.scheduler.TestObjects.node;
import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubej.scheduler.framework.Code;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.internal.cache.Cache;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeUnschedulableTest {
    @Test
    void cordonedNodeRejectsPodsThatDoNotTolerateIt() {
        Node cordoned = node("n", "1", "1Gi", 10);
        cordoned.getSpec().setUnschedulable(true);
        var status = new NodeUnschedulable().filter(new CycleState(), pod("p", null, null), Cache.nodeInfo(cordoned, List.of()));
        assertThat(status.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(status.reasons()).containsExactly("node(s) were unschedulable");

        Pod tolerant = new PodBuilder(pod("t", null, null)).editSpec().addNewToleration()
                .withKey("node.kubernetes.io/unschedulable").withOperator("Exists").withEffect("NoSchedule").endToleration().endSpec().build();
        assertThat(new NodeUnschedulable().filter(new CycleState(), tolerant, Cache.nodeInfo(cordoned, List.of())).isSuccess()).isTrue();
    }
}
