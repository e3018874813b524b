package io.kubej.controller.deployment;

import static io.kubej.controller.deployment.Fixtures.intOrPercent;
import static io.kubej.controller.deployment.Fixtures.rolling;
import static io.kubej.controller.deployment.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {
    private static RollingUpdate.Fenceposts f(String surge, String unavailable, int replicas) {
        return RollingUpdate.fenceposts(intOrPercent(surge), intOrPercent(unavailable), replicas);
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailableDown() {
        // 25% of 3 = 0.75: one pod of surge, none unavailable
        assertThat(f("25%", "25%", 3)).isEqualTo(new RollingUpdate.Fenceposts(1, 0));
        assertThat(f("25%", "25%", 10)).isEqualTo(new RollingUpdate.Fenceposts(3, 2));
        assertThat(f("25%", "25%", 4)).isEqualTo(new RollingUpdate.Fenceposts(1, 1));
        assertThat(f("50%", "10%", 5)).isEqualTo(new RollingUpdate.Fenceposts(3, 0));
    }

    @Test
    void integersAreTakenAsPodCounts() {
        assertThat(f("2", "1", 10)).isEqualTo(new RollingUpdate.Fenceposts(2, 1));
        assertThat(f("0", "3", 10)).isEqualTo(new RollingUpdate.Fenceposts(0, 3));
    }

    @Test
    void bothZeroAllowsOneUnavailableSoTheRolloutCanMove() {
        assertThat(f("0", "0", 5)).isEqualTo(new RollingUpdate.Fenceposts(0, 1));
        // 25% of 1 rounds down to 0 unavailable but up to 1 surge: nothing to fix
        assertThat(f("25%", "25%", 1)).isEqualTo(new RollingUpdate.Fenceposts(1, 0));
    }

    @Test
    void defaultsAreTwentyFivePercentEach() {
        Deployment d = rolling(8, "25%", "25%");
        d.getSpec().getStrategy().setRollingUpdate(null);
        assertThat(RollingUpdate.fenceposts(d)).isEqualTo(new RollingUpdate.Fenceposts(2, 2));
    }

    @Test
    void maxUnavailableForAvailabilityIsZeroForRecreateAndCappedAtReplicas() {
        assertThat(RollingUpdate.maxUnavailable(Fixtures.recreate(3))).isZero();
        assertThat(RollingUpdate.maxUnavailable(rolling(2, "1", "5"))).isEqualTo(2);
        assertThat(RollingUpdate.maxUnavailable(rolling(0, "1", "5"))).isZero();
    }

    @Test
    void newReplicaSetGrowsOnlyIntoTheSurge() {
        Deployment d = rolling(3, "25%", "25%"); // surge 1, unavailable 0: at most 4 pods
        ReplicaSet old = rs("web-old", 3, 3, 0, 1);
        ReplicaSet fresh = rs("web-new", 0, 0, 1, 2);
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(old, fresh), 0)).isEqualTo(1);
        // already 4 pods wanted: no room until an old one goes
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(old, rs("web-new", 1, 0, 1, 2)), 1)).isEqualTo(1);
        // old down to 2: the new one may take the freed slot
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(rs("web-old", 2, 2, 0, 1), rs("web-new", 1, 1, 1, 2)), 1)).isEqualTo(2);
        // never beyond spec.replicas, however big the surge
        Deployment wide = rolling(3, "10", "0");
        assertThat(RollingUpdate.newReplicaSetSize(wide, List.of(old, fresh), 0)).isEqualTo(3);
    }

    @Test
    void oldReplicaSetsShrinkOnlyWhileEnoughPodsStayAvailable() {
        Deployment d = rolling(3, "25%", "25%"); // min available 3
        ReplicaSet old = rs("web-old", 3, 3, 0, 1);
        // the new pod is not available yet: nothing may go
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), rs("web-new", 1, 0, 1, 2))).isEmpty();
        // it is: one old pod may go
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), rs("web-new", 1, 1, 1, 2)))
                .isEqualTo(Map.of("web-old", 2));
    }

    @Test
    void unavailableOldPodsGoFirstAndOldestReplicaSetsFirst() {
        Deployment d = rolling(4, "1", "1"); // min available 3, at most 5 pods
        ReplicaSet oldest = rs("web-1", 2, 1, 0, 1); // one of its pods is not available
        ReplicaSet older = rs("web-2", 2, 2, 1, 2);
        ReplicaSet fresh = rs("web-3", 1, 1, 2, 3);
        // 5 pods, 4 available: the unavailable one goes (cleanup), then one available (4 - 3)
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(older, oldest), fresh))
                .containsExactly(Map.entry("web-1", 0));
    }

    private static ReplicaSet sizedForMax(ReplicaSet rs, int maxReplicas) {
        rs.getMetadata().getAnnotations().put(DeploymentSpecs.MAX_REPLICAS, Integer.toString(maxReplicas));
        return rs;
    }

    /** The numbers of upstream's e2e "deployment should support proportional scaling". */
    @Test
    void scalingUpMidRolloutSharesTheNewPodsInProportionToEachReplicaSetsSize() {
        // 10 replicas, surge 3, unavailable 2, stuck on an image that never starts: 8 old + 5 new = 13
        ReplicaSet old = sizedForMax(rs("web-old", 8, 8, 0, 1), 13);
        ReplicaSet fresh = sizedForMax(rs("web-new", 5, 0, 1, 2), 13);
        // scaled to 30: 33 allowed, 20 to add; 8 * 33/13 = 20.3 -> 20, 5 * 33/13 = 12.7 -> 13
        assertThat(RollingUpdate.proportionalSizes(rolling(30, "3", "2"), List.of(old, fresh)))
                .isEqualTo(Map.of("web-old", 20, "web-new", 13));
    }

    @Test
    void scalingDownMidRolloutTakesFromEachReplicaSetInProportion() {
        ReplicaSet old = sizedForMax(rs("web-old", 20, 20, 0, 1), 33);
        ReplicaSet fresh = sizedForMax(rs("web-new", 13, 0, 1, 2), 33);
        // back to 10: 13 allowed, 20 to remove; 20 * 13/33 = 7.9 -> 8 (-12), 13 * 13/33 = 5.1 -> 5 (-8)
        assertThat(RollingUpdate.proportionalSizes(rolling(10, "3", "2"), List.of(old, fresh)))
                .isEqualTo(Map.of("web-old", 8, "web-new", 5));
        // to zero: everything goes
        assertThat(RollingUpdate.proportionalSizes(rolling(0, "3", "2"), List.of(old, fresh)))
                .isEqualTo(Map.of("web-old", 0, "web-new", 0));
    }

    @Test
    void whatRoundingLeavesGoesToTheLargestReplicaSetNewerFirstWhenGrowing() {
        // three of 1 each, sized for 3; to 4 replicas with no surge: 1 * 4/3 = 1.33 -> 1 each, 1 left over
        ReplicaSet a = sizedForMax(rs("web-a", 1, 1, 0, 1), 3);
        ReplicaSet b = sizedForMax(rs("web-b", 1, 1, 1, 2), 3);
        ReplicaSet c = sizedForMax(rs("web-c", 1, 0, 2, 3), 3);
        assertThat(RollingUpdate.proportionalSizes(rolling(4, "0", "1"), List.of(a, b, c)))
                .isEqualTo(Map.of("web-a", 1, "web-b", 1, "web-c", 2));
        // shrinking to 2: 1 * 2/3 = 0.67 -> 1 each, 1 too many: the oldest of the equals gives it up
        assertThat(RollingUpdate.proportionalSizes(rolling(2, "0", "1"), List.of(a, b, c)))
                .isEqualTo(Map.of("web-a", 0, "web-b", 1, "web-c", 1));
    }

    @Test
    void withoutTheMaxReplicasAnnotationTheDeploymentsStatusReplicasIsTheBase() {
        ReplicaSet old = rs("web-old", 2, 2, 0, 1);
        ReplicaSet fresh = rs("web-new", 2, 0, 1, 2);
        Deployment d = rolling(8, "0", "1");
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(4).build());
        assertThat(RollingUpdate.proportionalSizes(d, List.of(old, fresh))).isEqualTo(Map.of("web-old", 4, "web-new", 4));
        // nothing to go by: the leftover step gives all of it to the largest (the newer of equals)
        d.setStatus(null);
        assertThat(RollingUpdate.proportionalSizes(d, List.of(old, fresh))).isEqualTo(Map.of("web-old", 2, "web-new", 6));
    }

    @Test
    void maxSurgeCountsForRollingUpdatesOnly() {
        assertThat(RollingUpdate.maxSurge(rolling(10, "3", "2"))).isEqualTo(3);
        assertThat(RollingUpdate.maxSurge(Fixtures.recreate(10))).isZero();
    }
}
