package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;

/** Deployments and ReplicaSets as the API server would return them, for the rule tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Deployment rolling(int replicas, String maxSurge, String maxUnavailable) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace("default").withUid("d-uid").withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                        .withMaxSurge(intOrPercent(maxSurge)).withMaxUnavailable(intOrPercent(maxUnavailable))
                    .endRollingUpdate().endStrategy()
                    .withRevisionHistoryLimit(10).withProgressDeadlineSeconds(600)
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                        .withNewSpec().addNewContainer().withName("c").withImage("nginx:1").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    static Deployment recreate(int replicas) {
        Deployment d = rolling(replicas, "25%", "25%");
        d.getSpec().getStrategy().setType("Recreate");
        d.getSpec().getStrategy().setRollingUpdate(null);
        return d;
    }

    static IntOrString intOrPercent(String v) {
        return v.endsWith("%") ? new IntOrString(v) : new IntOrString(Integer.parseInt(v));
    }

    /** A ReplicaSet of {@code spec} replicas of which {@code available} are available, created at second {@code createdAt}. */
    static ReplicaSet rs(String name, int spec, int available, int createdAt, long revision) {
        return new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
                    .withCreationTimestamp(String.format("2026-01-01T00:00:%02dZ", createdAt))
                    .addToAnnotations(DeploymentSpecs.REVISION, Long.toString(revision))
                    .withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(spec).endSpec()
                .withNewStatus().withReplicas(spec).withReadyReplicas(available).withAvailableReplicas(available)
                    .withObservedGeneration(1L).endStatus()
                .build();
    }
}
