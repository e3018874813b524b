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
}
