package io.kubej.scheduler.framework.plugins.tainttoleration;

import static io.kubej.scheduler.TestObjects.node;
import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.internal.cache.Cache;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaintTolerationTest {
    private static Node tainted(String effect) {
        Node n = node("n", "1", "1Gi", 10);
        n.getSpec().setTaints(List.of(new TaintBuilder().withKey("dedicated").withValue("db").withEffect(effect).build()));
        return n;
    }

    @Test
    void noScheduleTaintKeepsAwayPodsWithoutToleration() {
        var s = new TaintToleration().filter(new CycleState(), pod("p", null, null), Cache.nodeInfo(tainted("NoSchedule"), List.of()));
        assertThat(s.isUnschedulable()).isTrue();
        assertThat(s.reasons()).containsExactly("node(s) had untolerated taint {dedicated: db}");
    }

    @Test
    void matchingTolerationLetsThePodIn() {
        Pod tolerant = new PodBuilder(pod("p", null, null)).editSpec().addNewToleration()
                .withKey("dedicated").withOperator("Equal").withValue("db").withEffect("NoSchedule").endToleration().endSpec().build();
        assertThat(new TaintToleration().filter(new CycleState(), tolerant, Cache.nodeInfo(tainted("NoSchedule"), List.of())).isSuccess()).isTrue();
    }

    @Test
    void preferNoScheduleDoesNotFilter() {
        assertThat(new TaintToleration().filter(new CycleState(), pod("p", null, null),
                Cache.nodeInfo(tainted("PreferNoSchedule"), List.of())).isSuccess()).isTrue();
    }
}
