package io.kubej.controller.disruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PdbStatusesTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    /** Every pod's controller is "rs-uid" with 4 replicas, or "other" with 2. */
    static final PdbStatuses.ScaleFinder SCALES = (ns, ref) -> switch (ref.getUid()) {
        case "rs-uid" -> Optional.of(new PdbStatuses.Scale("deploy-uid", 4));
        case "rs2-uid" -> Optional.of(new PdbStatuses.Scale("deploy-uid", 4)); // another ReplicaSet of the same Deployment
        case "other" -> Optional.of(new PdbStatuses.Scale("other", 2));
        default -> Optional.empty();
    };

    static Pod pod(String name, boolean ready, String controllerUid) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .endCondition().endStatus();
        if (controllerUid != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("rs")
                    .withUid(controllerUid).withController(true).endOwnerReference().endMetadata();
        }
        return b.build();
    }

    static PodDisruptionBudget pdb(IntOrString minAvailable, IntOrString maxUnavailable) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName("web").withNamespace("ns").withGeneration(3L).endMetadata()
                .withNewSpec().withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable).withNewSelector().endSelector().endSpec()
                .build();
    }

    @Test
    void minAvailableIntegerCountsTheSelectedPodsAndAllowsTheHealthySurplus() throws Exception {
        List<Pod> pods = List.of(pod("a", true, null), pod("b", true, null), pod("c", false, null));
        var r = PdbStatuses.compute(pdb(new IntOrString(1), null), pods, SCALES, NOW);
        assertThat(r.status().getExpectedPods()).isEqualTo(3);
        assertThat(r.status().getCurrentHealthy()).isEqualTo(2);
        assertThat(r.status().getDesiredHealthy()).isEqualTo(1);
        assertThat(r.status().getDisruptionsAllowed()).isEqualTo(1);
        assertThat(r.status().getObservedGeneration()).isEqualTo(3L);
        assertThat(r.status().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("DisruptionAllowed");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("SufficientPods");
        });
    }

    @Test
    void noSurplusMeansInsufficientPods() throws Exception {
        var r = PdbStatuses.compute(pdb(new IntOrString(2), null), List.of(pod("a", true, null), pod("b", false, null)), SCALES, NOW);
        assertThat(r.status().getDisruptionsAllowed()).isZero();
        assertThat(r.status().getConditions().get(0).getStatus()).isEqualTo("False");
        assertThat(r.status().getConditions().get(0).getReason()).isEqualTo("InsufficientPods");
    }

    @Test
    void maxUnavailableCountsAgainstTheControllersScaleOnceEvenAcrossReplicaSets() throws Exception {
        List<Pod> pods = List.of(pod("a", true, "rs-uid"), pod("b", true, "rs2-uid"), pod("c", true, "rs-uid"), pod("d", true, "other"));
        var r = PdbStatuses.compute(pdb(null, new IntOrString(1)), pods, SCALES, NOW);
        assertThat(r.status().getExpectedPods()).isEqualTo(6);
        assertThat(r.status().getDesiredHealthy()).isEqualTo(5);
        assertThat(r.status().getDisruptionsAllowed()).isZero();
    }

    @Test
    void percentagesRoundUp() throws Exception {
        List<Pod> pods = List.of(pod("a", true, "rs-uid"), pod("b", true, "rs-uid"), pod("c", true, "rs-uid"), pod("d", true, "rs-uid"));
        var min = PdbStatuses.compute(pdb(new IntOrString("30%"), null), pods, SCALES, NOW);
        assertThat(min.status().getDesiredHealthy()).as("ceil(0.3 * 4)").isEqualTo(2);
        assertThat(min.status().getDisruptionsAllowed()).isEqualTo(2);
        var max = PdbStatuses.compute(pdb(null, new IntOrString("30%")), pods, SCALES, NOW);
        assertThat(max.status().getDesiredHealthy()).as("4 - ceil(0.3 * 4)").isEqualTo(2);
    }

    @Test
    void barePodsUnderAPercentageAreReportedUnmanagedAndAControllerWithoutScaleFails() throws Exception {
        var r = PdbStatuses.compute(pdb(null, new IntOrString("50%")), List.of(pod("bare", true, null), pod("a", true, "rs-uid")), SCALES, NOW);
        assertThat(r.unmanagedPods()).containsExactly("bare");
        assertThat(r.status().getExpectedPods()).isEqualTo(4);
        assertThatThrownBy(() -> PdbStatuses.compute(pdb(null, new IntOrString(1)), List.of(pod("x", true, "unknown")), SCALES, NOW))
                .isInstanceOf(PdbStatuses.SyncFailure.class).hasMessage("found no controllers for pod \"x\"");
    }

    @Test
    void failingSafeAllowsNothingAndSaysWhy() {
        PodDisruptionBudget pdb = pdb(null, new IntOrString(1));
        var status = PdbStatuses.failSafe(pdb, "found no controllers for pod \"x\"", NOW);
        assertThat(status.getDisruptionsAllowed()).isZero();
        assertThat(status.getConditions().get(0).getReason()).isEqualTo("SyncFailed");
        assertThat(status.getConditions().get(0).getMessage()).isEqualTo("found no controllers for pod \"x\"");
    }

    @Test
    void aRecentlyEvictedPodIsNotHealthyUntilTwoMinutesPassThenCountsAgain() throws Exception {
        PodDisruptionBudget pdb = pdb(new IntOrString(1), null);
        pdb.setStatus(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus());
        pdb.getStatus().setDisruptedPods(Map.of("a", "2026-12-02T09:59:30Z", "gone", "2026-12-02T09:59:30Z", "b", "2026-12-02T09:50:00Z"));
        var r = PdbStatuses.compute(pdb, List.of(pod("a", true, null), pod("b", true, null)), SCALES, NOW);
        assertThat(r.status().getDisruptedPods()).as("a pod no longer there and an expired entry are dropped").containsOnlyKeys("a");
        assertThat(r.status().getCurrentHealthy()).isEqualTo(1);
        assertThat(r.recheckAt()).isEqualTo(Instant.parse("2026-12-02T10:01:30Z"));
        assertThat(r.notDeleted()).extracting(p -> p.getMetadata().getName()).as("evicted ten minutes ago, still there").containsExactly("b");
    }

    @Test
    void anUnchangedStatusIsNotRewritten() throws Exception {
        PodDisruptionBudget pdb = pdb(new IntOrString(1), null);
        var first = PdbStatuses.compute(pdb, List.of(pod("a", true, null)), SCALES, NOW);
        pdb.setStatus(first.status());
        var again = PdbStatuses.compute(pdb, List.of(pod("a", true, null)), SCALES, NOW.plusSeconds(60));
        assertThat(PdbStatuses.changes(pdb.getStatus(), again.status())).isFalse();
        assertThat(again.status().getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-12-02T10:00:00Z");
        var more = PdbStatuses.compute(pdb, List.of(pod("a", true, null), pod("b", true, null)), SCALES, NOW);
        assertThat(PdbStatuses.changes(pdb.getStatus(), more.status())).isTrue();
    }
}
