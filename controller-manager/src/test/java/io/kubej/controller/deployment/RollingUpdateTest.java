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

    @Test
    void scaleDuringARolloutGrowsTheNewestAndShrinksTheOldest() {
        ReplicaSet old = rs("web-old", 2, 2, 0, 1);
        ReplicaSet fresh = rs("web-new", 2, 2, 1, 2);
        // 4 -> 6 replicas, surge 2 (25% of 6 rounds up): 8 allowed, 4 wanted now
        assertThat(RollingUpdate.proportionalSizes(rolling(6, "25%", "25%"), List.of(old, fresh)))
                .isEqualTo(Map.of("web-old", 2, "web-new", 6));
        // down to 2 replicas, surge 1: 3 allowed
        assertThat(RollingUpdate.proportionalSizes(rolling(2, "1", "0"), List.of(old, fresh)))
                .isEqualTo(Map.of("web-old", 1, "web-new", 2));
    }
}
