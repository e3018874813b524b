package io.kubej.controller.deployment;

import static io.kubej.controller.deployment.Fixtures.rolling;
import static io.kubej.controller.deployment.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentControllerRulesTest {
    private static ReplicaSet sizedFor(ReplicaSet rs, int desired) {
        rs.getMetadata().getAnnotations().put(DeploymentSpecs.DESIRED_REPLICAS, Integer.toString(desired));
        return rs;
    }

    @Test
    void aScalingEventIsAnActiveReplicaSetSizedForAnotherReplicaCount() {
        Deployment d = rolling(5, "25%", "25%");
        assertThat(DeploymentController.isScalingEvent(d, List.of(sizedFor(rs("a", 3, 3, 0, 1), 3)))).isTrue();
        assertThat(DeploymentController.isScalingEvent(d, List.of(sizedFor(rs("a", 5, 3, 0, 1), 5)))).isFalse();
        // an old ReplicaSet scaled to zero does not count, nor one without the annotation
        assertThat(DeploymentController.isScalingEvent(d, List.of(sizedFor(rs("a", 0, 0, 0, 1), 3), rs("b", 5, 5, 1, 2)))).isFalse();
    }

    @Test
    void theNewReplicaSetIsTheOldestWithTheDeploymentsTemplate() {
        Deployment d = rolling(3, "25%", "25%");
        ReplicaSet other = rs("web-other", 0, 0, 0, 1);
        other.getSpec().setTemplate(new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(d.getSpec().getTemplate())
                .editSpec().editFirstContainer().withImage("nginx:0").endContainer().endSpec().build());
        ReplicaSet current = rs("web-current", 3, 3, 1, 2);
        current.getSpec().setTemplate(new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(d.getSpec().getTemplate())
                .editMetadata().addToLabels(PodTemplateHash.LABEL, "abc").endMetadata().build());
        assertThat(DeploymentController.findNewReplicaSet(d, List.of(other, current))).isSameAs(current);
        assertThat(DeploymentController.findNewReplicaSet(d, List.of(other))).isNull();
    }

    @Test
    void replicaSetsAreOwnedByTheirDeploymentAsController() {
        var ref = DeploymentController.controllerRef(rolling(1, "1", "0"));
        assertThat(ref.getKind()).isEqualTo("Deployment");
        assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
        assertThat(ref.getUid()).isEqualTo("d-uid");
        assertThat(ref.getController()).isTrue();
        assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }

    @Test
    void aNewReplicaSetIsSaturatedWhenSizedForAndRunningAllReplicasAvailable() {
        Deployment d = rolling(3, "1", "0");
        assertThat(DeploymentController.saturated(d, sizedFor(rs("web-new", 3, 3, 1, 2), 3))).isTrue();
        assertThat(DeploymentController.saturated(d, sizedFor(rs("web-new", 3, 2, 1, 2), 3))).as("one not available").isFalse();
        assertThat(DeploymentController.saturated(d, sizedFor(rs("web-new", 3, 3, 1, 2), 2))).as("sized for 2").isFalse();
        assertThat(DeploymentController.saturated(d, rs("web-new", 3, 3, 1, 2))).as("no annotation").isFalse();
        assertThat(DeploymentController.saturated(d, null)).isFalse();
    }

    private static ReplicaSet sized(ReplicaSet rs, int desired, int max) {
        rs.getMetadata().getAnnotations().put(DeploymentSpecs.DESIRED_REPLICAS, Integer.toString(desired));
        rs.getMetadata().getAnnotations().put(DeploymentSpecs.MAX_REPLICAS, Integer.toString(max));
        return rs;
    }

    @Test
    void aScaleWithOneActiveReplicaSetGivesItEveryReplica() {
        Deployment d = rolling(5, "1", "0");
        ReplicaSet old = rs("web-old", 0, 0, 0, 1);
        ReplicaSet fresh = sized(rs("web-new", 3, 3, 1, 2), 3, 4);
        assertThat(DeploymentController.scaleTargets(d, fresh, List.of(old))).isEqualTo(java.util.Map.of("web-new", 5));
        // paused with a template no ReplicaSet has: the active old one is scaled
        assertThat(DeploymentController.scaleTargets(d, null, List.of(rs("web-old", 3, 3, 0, 1)))).isEqualTo(java.util.Map.of("web-old", 5));
        // nothing active: the newest
        assertThat(DeploymentController.scaleTargets(d, null, List.of(old, rs("web-mid", 0, 0, 1, 2)))).isEqualTo(java.util.Map.of("web-mid", 5));
    }

    @Test
    void aScaleWithASaturatedNewReplicaSetTakesTheOldOnesToZero() {
        Deployment d = rolling(3, "1", "0");
        ReplicaSet old = rs("web-old", 2, 2, 0, 1);
        ReplicaSet fresh = sized(rs("web-new", 3, 3, 1, 2), 3, 4);
        assertThat(DeploymentController.scaleTargets(d, fresh, List.of(old))).isEqualTo(java.util.Map.of("web-old", 0));
    }

    @Test
    void aScaleMidRolloutIsProportionalForRollingUpdatesAndLeftToTheRolloutForRecreate() {
        ReplicaSet old = sized(rs("web-old", 8, 8, 0, 1), 10, 13);
        ReplicaSet fresh = sized(rs("web-new", 5, 0, 1, 2), 10, 13);
        assertThat(DeploymentController.scaleTargets(rolling(30, "3", "2"), fresh, List.of(old)))
                .isEqualTo(java.util.Map.of("web-old", 20, "web-new", 13));
        assertThat(DeploymentController.scaleTargets(Fixtures.recreate(30), fresh, List.of(old))).isEmpty();
    }

    @Test
    void pausingAndResumingSetTheProgressingConditionToUnknown() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T01:00:00Z");
        Deployment d = rolling(3, "1", "0");
        d.getSpec().setPaused(true);
        assertThat(DeploymentStatuses.pausedCondition(d, now)).satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Progressing");
            assertThat(c.getStatus()).isEqualTo("Unknown");
            assertThat(c.getReason()).isEqualTo("DeploymentPaused");
        });
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .addToConditions(DeploymentStatuses.pausedCondition(d, now)).build());
        assertThat(DeploymentStatuses.pausedCondition(d, now)).as("already paused").isNull();
        d.getSpec().setPaused(false);
        assertThat(DeploymentStatuses.pausedCondition(d, now).getReason()).isEqualTo("DeploymentResumed");
        // a timed-out Deployment keeps ProgressDeadlineExceeded; without a deadline there is no condition
        d.getSpec().setPaused(true);
        d.getStatus().getConditions().set(0, DeploymentStatuses.condition("Progressing", "False", "ProgressDeadlineExceeded", "x", now));
        assertThat(DeploymentStatuses.pausedCondition(d, now)).isNull();
        d.getSpec().setProgressDeadlineSeconds(null);
        d.setStatus(null);
        assertThat(DeploymentStatuses.pausedCondition(d, now)).isNull();
    }
}
