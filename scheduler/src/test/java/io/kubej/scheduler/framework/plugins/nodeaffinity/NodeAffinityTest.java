package io.kubej.scheduler.framework.plugins.nodeaffinity;

import static io.kubej.scheduler.TestObjects.node;
import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.internal.cache.Cache;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAffinityTest {
    private static Node labelled() {
        Node n = node("worker-0", "1", "1Gi", 10);
        n.getMetadata().setLabels(Map.of("disk", "ssd", "zone", "a"));
        return n;
    }

    @Test
    void nodeSelectorMustMatchTheNodeLabels() {
        Pod ssd = new PodBuilder(pod("p", null, null)).editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        Pod hdd = new PodBuilder(pod("q", null, null)).editSpec().addToNodeSelector("disk", "hdd").endSpec().build();
        assertThat(new NodeAffinity().filter(new CycleState(), ssd, Cache.nodeInfo(labelled(), List.of())).isSuccess()).isTrue();
        assertThat(new NodeAffinity().filter(new CycleState(), hdd, Cache.nodeInfo(labelled(), List.of())).reasons())
                .containsExactly("node(s) didn't match Pod's node affinity/selector");
    }

    @Test
    void requiredAffinityTermsAreOredAndExpressionsAnded() {
        Pod p = new PodBuilder(pod("p", null, null)).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                        .addNewMatchExpression().withKey("zone").withOperator("In").withValues("b").endMatchExpression()
                    .endNodeSelectorTerm()
                    .addNewNodeSelectorTerm()
                        .addNewMatchExpression().withKey("zone").withOperator("In").withValues("a").endMatchExpression()
                        .addNewMatchExpression().withKey("gpu").withOperator("DoesNotExist").endMatchExpression()
                    .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().endSpec().build();
        assertThat(new NodeAffinity().filter(new CycleState(), p, Cache.nodeInfo(labelled(), List.of())).isSuccess()).isTrue();
    }
}
