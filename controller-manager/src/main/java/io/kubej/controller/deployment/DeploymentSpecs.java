package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;

/**
 * Small questions about Deployments and their ReplicaSets, with the API's defaults applied
 * where a field is missing (upstream: the helpers of pkg/controller/deployment/util).
 */
public final class DeploymentSpecs {
    /** The rollout's revision, on each ReplicaSet and on the Deployment ({@code kubectl rollout history} reads it). */
    public static final String REVISION = "deployment.kubernetes.io/revision";
    /** spec.replicas of the Deployment when this ReplicaSet was last sized; tells a scale from a rollout. */
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    /** spec.replicas + maxSurge at that time. */
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    /** The revisions a ReplicaSet had before its template came back (a rollback). */
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";

    /** Oldest first, by creation time then name (upstream: ReplicaSetsByCreationTimestamp). */
    public static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator
            .comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp() == null ? "" : rs.getMetadata().getCreationTimestamp())
            .thenComparing(rs -> rs.getMetadata().getName());

    private DeploymentSpecs() {
    }

    public static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    public static boolean isRollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
                || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
    }

    public static boolean isRecreate(Deployment d) {
        return !isRollingUpdate(d);
    }

    public static boolean paused(Deployment d) {
        return Boolean.TRUE.equals(d.getSpec().getPaused());
    }

    public static int revisionHistoryLimit(Deployment d) {
        return d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
    }

    /** The progress deadline in seconds, or null when there is none (unset or MaxInt32, as upstream). */
    public static Integer progressDeadlineSeconds(Deployment d) {
        Integer s = d.getSpec().getProgressDeadlineSeconds();
        return s == null || s == Integer.MAX_VALUE ? null : s;
    }

    public static int minReadySeconds(Deployment d) {
        return d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
    }

    public static int specReplicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    }

    public static int specReplicas(Collection<ReplicaSet> rss) {
        return rss.stream().mapToInt(DeploymentSpecs::specReplicas).sum();
    }

    public static int statusReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
    }

    public static int readyReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas();
    }

    public static int availableReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0 : rs.getStatus().getAvailableReplicas();
    }

    /** An integer annotation, or null if absent or not a number. */
    public static Integer intAnnotation(ReplicaSet rs, String key) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        if (a == null || a.get(key) == null) {
            return null;
        }
        try {
            return Integer.parseInt(a.get(key));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
