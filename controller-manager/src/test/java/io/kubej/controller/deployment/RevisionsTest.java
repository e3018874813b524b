package io.kubej.controller.deployment;

import static io.kubej.controller.deployment.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionsTest {
    @Test
    void theNewReplicaSetGetsOneMoreThanTheHighestOldRevision() {
        assertThat(Revisions.next(List.of())).isEqualTo(1);
        assertThat(Revisions.next(List.of(rs("a", 0, 0, 0, 3), rs("b", 0, 0, 1, 7), rs("c", 0, 0, 2, 5)))).isEqualTo(8);
    }

    @Test
    void aMissingOrBrokenAnnotationCountsAsZero() {
        ReplicaSet none = rs("a", 0, 0, 0, 1);
        none.getMetadata().getAnnotations().remove(DeploymentSpecs.REVISION);
        ReplicaSet broken = rs("b", 0, 0, 0, 1);
        broken.getMetadata().getAnnotations().put(DeploymentSpecs.REVISION, "x");
        assertThat(Revisions.of(none)).isZero();
        assertThat(Revisions.of(broken)).isZero();
    }

    @Test
    void historyBeyondTheLimitIsDeletedLowestRevisionFirst() {
        List<ReplicaSet> olds = new ArrayList<>();
        for (int r = 1; r <= 5; r++) {
            olds.add(rs("web-" + r, 0, 0, 10 - r, r)); // creation order opposite to revisions
        }
        assertThat(Revisions.toCleanUp(olds, 2)).extracting(rs -> rs.getMetadata().getName())
                .containsExactly("web-1", "web-2", "web-3");
        assertThat(Revisions.toCleanUp(olds, 5)).isEmpty();
        assertThat(Revisions.toCleanUp(olds, 0)).hasSize(5);
    }

    @Test
    void replicaSetsWithPodsOrUnobservedChangesAreKept() {
        ReplicaSet running = rs("web-1", 1, 1, 0, 1);
        ReplicaSet draining = rs("web-2", 0, 0, 1, 2);
        draining.getStatus().setReplicas(1);
        ReplicaSet unobserved = rs("web-3", 0, 0, 2, 3);
        unobserved.getMetadata().setGeneration(2L);
        ReplicaSet empty = rs("web-4", 0, 0, 3, 4);
        ReplicaSet deleting = rs("web-5", 0, 0, 4, 5);
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        // 4 cleanable (the deleting one does not count), limit 0: all 4 looked at, only the empty one goes
        assertThat(Revisions.toCleanUp(List.of(running, draining, unobserved, empty, deleting), 0))
                .extracting(rs -> rs.getMetadata().getName()).containsExactly("web-4");
        // limit 1: only the 3 lowest are looked at, and none of them may go
        assertThat(Revisions.toCleanUp(List.of(running, draining, unobserved, empty), 1)).isEmpty();
    }
}
