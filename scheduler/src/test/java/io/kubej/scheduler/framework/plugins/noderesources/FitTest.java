package io.kubej.scheduler.framework.plugins.noderesources;

import static io.kubej.scheduler.TestObjects.node;
import static io.kubej.scheduler.TestObjects.onNode;
import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Resource;
import io.kubej.scheduler.framework.Status;
import io.kubej.scheduler.internal.cache.Cache;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitTest {
    private final Fit fit = new Fit();

    private Status filter(Pod pod, NodeInfo node) {
        CycleState state = new CycleState();
        assertThat(fit.preFilter(state, pod).isSuccess()).isTrue();
        return fit.filter(state, pod, node);
    }

    @Test
    void podFitsWhenRequestsAreWithinWhatIsLeft() {
        NodeInfo n = Cache.nodeInfo(node("n", "2", "4Gi", 110), List.of(onNode(pod("a", "1", "1Gi"), "n")));
        assertThat(filter(pod("b", "1", "3Gi"), n).isSuccess()).isTrue();
    }

    @Test
    void tooMuchCpuIsInsufficientCpu() {
        NodeInfo n = Cache.nodeInfo(node("n", "2", "4Gi", 110), List.of(onNode(pod("a", "1500m", null), "n")));
        Status s = filter(pod("b", "600m", null), n);
        assertThat(s.isUnschedulable()).isTrue();
        assertThat(s.reasons()).containsExactly("Insufficient cpu");
        assertThat(s.plugin()).isEqualTo("NodeResourcesFit");
    }

    @Test
    void tooMuchMemoryIsInsufficientMemory() {
        NodeInfo n = Cache.nodeInfo(node("n", "2", "1Gi", 110), List.of());
        assertThat(filter(pod("b", null, "2Gi"), n).reasons()).containsExactly("Insufficient memory");
    }

    @Test
    void aFullNodeHasTooManyPods() {
        NodeInfo n = Cache.nodeInfo(node("n", "2", "4Gi", 1), List.of(onNode(pod("a", null, null), "n")));
        assertThat(filter(pod("b", null, null), n).reasons()).containsExactly("Too many pods");
    }

    @Test
    void podWithoutRequestsFitsAnywhereWithRoomForOneMorePod() {
        NodeInfo n = Cache.nodeInfo(node("n", "1", "1Gi", 110), List.of(onNode(pod("a", "1", "1Gi"), "n")));
        assertThat(filter(pod("b", null, null), n).isSuccess()).isTrue();
    }

    @Test
    void initContainersCountByTheirMaximumNotTheirSum() {
        Pod p = new PodBuilder(pod("b", "100m", null)).editSpec()
                .addNewInitContainer().withName("i1").withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m")).endResources().endInitContainer()
                .addNewInitContainer().withName("i2").withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("300m")).endResources().endInitContainer()
                .endSpec().build();
        assertThat(Resource.podRequest(p).milliCpu()).isEqualTo(500);
    }

    @Test
    void leastAllocatedPrefersTheNodeWithMoreRoomLeft() {
        NodeInfo busy = Cache.nodeInfo(node("busy", "4", "8Gi", 110), List.of(onNode(pod("a", "3", "6Gi"), "busy")));
        NodeInfo idle = Cache.nodeInfo(node("idle", "4", "8Gi", 110), List.of());
        Pod p = pod("b", "1", "1Gi");
        assertThat(fit.score(new CycleState(), p, idle)).isGreaterThan(fit.score(new CycleState(), p, busy));
    }

    @Test
    void leastAllocatedScoreIsTheMeanFreeFractionTimes100() {
        // cpu: (4000-1000)/4000 = 75; memory: (8Gi-2Gi)/8Gi = 75 -> 75
        NodeInfo idle = Cache.nodeInfo(node("idle", "4", "8Gi", 110), List.of());
        assertThat(new LeastAllocated().score(new Resource(1000, 2L << 30, 1), idle)).isEqualTo(75);
        // cpu 50, memory 100 -> 75 as well; a pod that overflows cpu scores 0 for cpu
        assertThat(LeastAllocated.leastRequestedScore(2000, 4000)).isEqualTo(50);
        assertThat(LeastAllocated.leastRequestedScore(5000, 4000)).isZero();
    }

    @Test
    void podsWithoutRequestsCountDefaultRequestsForScoring() {
        Resource r = Resource.podNonZeroRequest(pod("a", null, null));
        assertThat(r.milliCpu()).isEqualTo(100);
        assertThat(r.memory()).isEqualTo(200L * 1024 * 1024);
    }
}
