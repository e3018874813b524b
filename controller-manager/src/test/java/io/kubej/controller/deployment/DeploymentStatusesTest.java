package io.kubej.controller.deployment;

import static io.kubej.controller.deployment.Fixtures.rolling;
import static io.kubej.controller.deployment.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentStatusesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");

    @Test
    void countsSumTheReplicaSetsAndUpdatedCountsOnlyTheNewOne() {
        Deployment d = rolling(3, "25%", "25%");
        ReplicaSet old = rs("web-old", 2, 2, 0, 1);
        ReplicaSet fresh = rs("web-new", 2, 1, 1, 2);
        DeploymentStatus s = DeploymentStatuses.calculate(d, List.of(old, fresh), fresh, NOW);
        assertThat(s.getObservedGeneration()).isEqualTo(2L);
        assertThat(s.getReplicas()).isEqualTo(4);
        assertThat(s.getUpdatedReplicas()).isEqualTo(2);
        assertThat(s.getReadyReplicas()).isEqualTo(3);
        assertThat(s.getAvailableReplicas()).isEqualTo(3);
        assertThat(s.getUnavailableReplicas()).isEqualTo(1);
    }

    @Test
    void availableNeedsReplicasMinusMaxUnavailable() {
        Deployment d = rolling(4, "1", "1"); // 3 needed
        assertThat(DeploymentStatuses.get(DeploymentStatuses.calculate(d, List.of(rs("a", 4, 3, 0, 1)), null, NOW), "Available"))
                .satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("True");
                    assertThat(c.getReason()).isEqualTo("MinimumReplicasAvailable");
                });
        assertThat(DeploymentStatuses.get(DeploymentStatuses.calculate(d, List.of(rs("a", 4, 2, 0, 1)), null, NOW), "Available"))
                .satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("MinimumReplicasUnavailable");
                });
        // Recreate tolerates no unavailable pod
        assertThat(DeploymentStatuses.get(DeploymentStatuses.calculate(Fixtures.recreate(4), List.of(rs("a", 4, 3, 0, 1)), null, NOW),
                "Available").getStatus()).isEqualTo("False");
    }

    @Test
    void progressingBecomesNewReplicaSetAvailableWhenComplete() {
        Deployment d = rolling(3, "25%", "25%");
        ReplicaSet fresh = rs("web-new", 3, 3, 1, 2);
        DeploymentStatus s = DeploymentStatuses.withProgress(d, List.of(rs("web-old", 0, 0, 0, 1), fresh), fresh, NOW);
        assertThat(DeploymentStatuses.complete(d, s)).isTrue();
        assertThat(DeploymentStatuses.get(s, "Progressing")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable");
            assertThat(c.getMessage()).contains("web-new");
        });
        assertThat(DeploymentStatuses.recheckAfter(d, s, NOW)).isNull();
    }

    @Test
    void progressRefreshesTheUpdateTimeButKeepsTheTransitionTime() {
        Deployment d = rolling(3, "25%", "25%");
        Instant created = NOW.minusSeconds(100);
        d.setStatus(new DeploymentStatus());
        d.getStatus().setConditions(new ArrayList<>(List.of(
                DeploymentStatuses.condition("Progressing", "True", "NewReplicaSetCreated", "Created", created))));
        d.getStatus().setUpdatedReplicas(1);
        d.getStatus().setReplicas(4);
        ReplicaSet fresh = rs("web-new", 2, 1, 1, 2);
        DeploymentStatus s = DeploymentStatuses.withProgress(d, List.of(rs("web-old", 2, 2, 0, 1), fresh), fresh, NOW);
        assertThat(DeploymentStatuses.get(s, "Progressing")).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("ReplicaSetUpdated");
            assertThat(c.getLastTransitionTime()).isEqualTo(created.toString());
            assertThat(c.getLastUpdateTime()).isEqualTo(NOW.toString());
        });
        assertThat(DeploymentStatuses.recheckAfter(d, s, NOW)).isEqualTo(Duration.ofSeconds(601));
    }

    @Test
    void noProgressForTheDeadlineIsProgressDeadlineExceeded() {
        Deployment d = rolling(3, "25%", "25%");
        d.getSpec().setProgressDeadlineSeconds(60);
        ReplicaSet old = rs("web-old", 3, 3, 0, 1);
        ReplicaSet fresh = rs("web-new", 1, 0, 1, 2);
        d.setStatus(DeploymentStatuses.calculate(d, List.of(old, fresh), fresh, NOW));
        d.getStatus().getConditions().add(DeploymentStatuses.condition("Progressing", "True", "ReplicaSetUpdated", "moving", NOW.minusSeconds(61)));
        DeploymentStatus s = DeploymentStatuses.withProgress(d, List.of(old, fresh), fresh, NOW);
        assertThat(DeploymentStatuses.get(s, "Progressing")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
        });
        // 59 s in: not yet, and a recheck is due when the deadline passes
        d.getStatus().getConditions().removeIf(c -> c.getType().equals("Progressing"));
        d.getStatus().getConditions().add(DeploymentStatuses.condition("Progressing", "True", "ReplicaSetUpdated", "moving", NOW.minusSeconds(59)));
        DeploymentStatus early = DeploymentStatuses.withProgress(d, List.of(old, fresh), fresh, NOW);
        assertThat(DeploymentStatuses.get(early, "Progressing").getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(DeploymentStatuses.recheckAfter(d, early, NOW)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void withoutADeadlineThereIsNoProgressingCondition() {
        Deployment d = rolling(1, "1", "0");
        d.getSpec().setProgressDeadlineSeconds(null);
        ReplicaSet fresh = rs("web-new", 1, 1, 1, 1);
        assertThat(DeploymentStatuses.get(DeploymentStatuses.withProgress(d, List.of(fresh), fresh, NOW), "Progressing")).isNull();
    }

    @Test
    void aReplicaSetsReplicaFailureIsShownOnTheDeploymentAndGoesWithIt() {
        Deployment d = rolling(3, "1", "0");
        ReplicaSet old = rs("web-old", 1, 1, 0, 1);
        ReplicaSet fresh = rs("web-new", 3, 0, 1, 2);
        old.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder()
                .withType("ReplicaFailure").withStatus("True").withReason("FailedDelete").withMessage("old").build());
        fresh.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder()
                .withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
                .withMessage("pods \"web-new-x\" is forbidden: exceeded quota").withLastTransitionTime("2026-01-01T00:59:00Z").build());
        DeploymentStatus s = DeploymentStatuses.withProgress(d, List.of(old, fresh), fresh, NOW);
        // the new ReplicaSet's failure wins over an old one's
        assertThat(DeploymentStatuses.get(s, "ReplicaFailure")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getMessage()).contains("exceeded quota");
            assertThat(c.getLastUpdateTime()).isEqualTo("2026-01-01T00:59:00Z");
        });
        d.setStatus(s);
        fresh.getStatus().getConditions().clear();
        old.getStatus().getConditions().clear();
        assertThat(DeploymentStatuses.get(DeploymentStatuses.withProgress(d, List.of(old, fresh), fresh, NOW), "ReplicaFailure")).isNull();
    }

    @Test
    void aResumedDeploymentIsCheckedAgainForItsDeadlineButAPausedOneIsNot() {
        Deployment d = rolling(3, "1", "0");
        d.getSpec().setProgressDeadlineSeconds(30);
        ReplicaSet fresh = rs("web-new", 1, 0, 1, 2);
        DeploymentStatus s = DeploymentStatuses.calculate(d, List.of(fresh), fresh, NOW);
        s.getConditions().add(DeploymentStatuses.condition("Progressing", "Unknown", "DeploymentResumed", "resumed", NOW.minusSeconds(10)));
        assertThat(DeploymentStatuses.recheckAfter(d, s, NOW)).isEqualTo(Duration.ofSeconds(21));
        s.getConditions().removeIf(c -> c.getType().equals("Progressing"));
        s.getConditions().add(DeploymentStatuses.condition("Progressing", "Unknown", "DeploymentPaused", "paused", NOW.minusSeconds(10)));
        assertThat(DeploymentStatuses.recheckAfter(d, s, NOW)).isNull();
    }
}
