package io.kubej.controller.ttlafterfinished;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TtlAfterFinishedTest {
    static Job job(Integer ttl, String condition, String status) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("j").withNamespace("ns").endMetadata()
                .withNewSpec().withTtlSecondsAfterFinished(ttl).endSpec();
        if (condition != null) {
            b.withNewStatus().addNewCondition().withType(condition).withStatus(status).withLastTransitionTime("2026-12-02T10:00:00Z")
                    .endCondition().endStatus();
        }
        return b.build();
    }

    @Test
    void onlyAFinishedJobWithATtlNeedsCleanup() {
        assertThat(TtlAfterFinishedController.needsCleanup(job(10, "Complete", "True"))).isTrue();
        assertThat(TtlAfterFinishedController.needsCleanup(job(10, "Failed", "True"))).isTrue();
        assertThat(TtlAfterFinishedController.needsCleanup(job(10, "Complete", "False"))).isFalse();
        assertThat(TtlAfterFinishedController.needsCleanup(job(10, "Suspended", "True"))).isFalse();
        assertThat(TtlAfterFinishedController.needsCleanup(job(null, "Complete", "True"))).isFalse();
        assertThat(TtlAfterFinishedController.needsCleanup(job(10, null, null))).isFalse();
        Job deleting = new JobBuilder(job(10, "Complete", "True")).editMetadata().withDeletionTimestamp("2026-12-02T10:00:05Z").endMetadata().build();
        assertThat(TtlAfterFinishedController.needsCleanup(deleting)).isFalse();
    }

    @Test
    void aJobExpiresItsTtlAfterItsFinishCondition() {
        Job j = job(30, "Complete", "True");
        assertThat(TtlAfterFinishedController.timeLeft(j, Instant.parse("2026-12-02T10:00:10Z"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(TtlAfterFinishedController.timeLeft(j, Instant.parse("2026-12-02T10:00:31Z")).isNegative()).isTrue();
        assertThat(TtlAfterFinishedController.timeLeft(job(0, "Failed", "True"), Instant.parse("2026-12-02T10:00:00Z")).isPositive()).isFalse();
    }
}
