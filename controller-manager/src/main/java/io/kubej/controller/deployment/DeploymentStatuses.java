package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Deployment's status, computed from its ReplicaSets (upstream: calculateStatus and
 * syncRolloutStatus in pkg/controller/deployment/sync.go, progress.go).
 *
 * <p>The counts sum the ReplicaSets' status; {@code updatedReplicas} counts only the current
 * template's. Two conditions tell the user how things stand:
 * <ul>
 *   <li>{@code Available}: at least {@code replicas - maxUnavailable} pods are available
 *       (MinimumReplicasAvailable) or not (MinimumReplicasUnavailable);</li>
 *   <li>{@code Progressing}: True while the rollout moves (NewReplicaSetCreated,
 *       FoundNewReplicaSet, ReplicaSetUpdated), True with NewReplicaSetAvailable once complete,
 *       False with ProgressDeadlineExceeded when nothing moved for
 *       {@code spec.progressDeadlineSeconds}; Unknown while paused.</li>
 *   <li>{@code ReplicaFailure}: copied from a ReplicaSet that could not create or delete pods.</li>
 * </ul>
 * {@code kubectl rollout status} waits on these numbers and fails on ProgressDeadlineExceeded.
 */
public final class DeploymentStatuses {
    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
    public static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
    public static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    public static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    public static final String RS_UPDATED = "ReplicaSetUpdated";
    public static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    public static final String TIMED_OUT = "ProgressDeadlineExceeded";
    public static final String PAUSED = "DeploymentPaused";
    public static final String RESUMED = "DeploymentResumed";
    public static final String REPLICA_FAILURE = "ReplicaFailure";

    private DeploymentStatuses() {
    }

    /** Counts and the Available condition; other conditions are carried over unchanged. */
    public static DeploymentStatus calculate(Deployment d, List<ReplicaSet> all, ReplicaSet newRs, Instant now) {
        int available = all.stream().mapToInt(DeploymentSpecs::availableReplicas).sum();
        int wanted = DeploymentSpecs.specReplicas(all);
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(all.stream().mapToInt(DeploymentSpecs::statusReplicas).sum())
                .withUpdatedReplicas(newRs == null ? 0 : DeploymentSpecs.statusReplicas(newRs))
                .withReadyReplicas(all.stream().mapToInt(DeploymentSpecs::readyReplicas).sum())
                .withAvailableReplicas(available)
                .withUnavailableReplicas(Math.max(0, wanted - available))
                .withCollisionCount(d.getStatus() == null ? null : d.getStatus().getCollisionCount())
                .withConditions(copyConditions(d))
                .build();
        if (available >= DeploymentSpecs.replicas(d) - RollingUpdate.maxUnavailable(d)) {
            set(status, condition(AVAILABLE, "True", MINIMUM_REPLICAS_AVAILABLE, "Deployment has minimum availability.", now));
        } else {
            set(status, condition(AVAILABLE, "False", MINIMUM_REPLICAS_UNAVAILABLE, "Deployment does not have minimum availability.", now));
        }
        return status;
    }

    /**
     * {@link #calculate} plus the Progressing condition, judged against the status the
     * Deployment had before this sync.
     */
    public static DeploymentStatus withProgress(Deployment d, List<ReplicaSet> all, ReplicaSet newRs, Instant now) {
        DeploymentStatus status = calculate(d, all, newRs, now);
        if (DeploymentSpecs.progressDeadlineSeconds(d) == null) {
            remove(status, PROGRESSING);
        } else {
            judgeProgress(d, status, newRs, now);
        }
        DeploymentCondition failure = replicaFailure(all, newRs);
        if (failure != null) {
            set(status, failure);
        } else {
            remove(status, REPLICA_FAILURE);
        }
        return status;
    }

    /**
     * A ReplicaSet's ReplicaFailure condition (pods it could not create or delete, e.g. refused
     * by a quota) shown on the Deployment, the new ReplicaSet's first (upstream:
     * getReplicaFailures and ReplicaSetToDeploymentCondition), or null.
     */
    static DeploymentCondition replicaFailure(List<ReplicaSet> all, ReplicaSet newRs) {
        List<ReplicaSet> order = new ArrayList<>();
        if (newRs != null) {
            order.add(newRs);
        }
        order.addAll(all);
        for (ReplicaSet rs : order) {
            if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
                continue;
            }
            for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
                if (REPLICA_FAILURE.equals(c.getType())) {
                    return new DeploymentConditionBuilder().withType(REPLICA_FAILURE).withStatus(c.getStatus())
                            .withReason(c.getReason()).withMessage(c.getMessage())
                            .withLastUpdateTime(c.getLastTransitionTime()).withLastTransitionTime(c.getLastTransitionTime()).build();
                }
            }
        }
        return null;
    }

    /** The Progressing condition for a Deployment with a progress deadline (upstream: syncRolloutStatus). */
    private static void judgeProgress(Deployment d, DeploymentStatus status, ReplicaSet newRs, Instant now) {
        DeploymentCondition current = get(status, PROGRESSING);
        boolean alreadyComplete = Objects.equals(status.getReplicas(), status.getUpdatedReplicas())
                && current != null && NEW_RS_AVAILABLE.equals(current.getReason());
        if (alreadyComplete) {
            return;
        }
        String rsName = newRs == null ? "" : newRs.getMetadata().getName();
        if (complete(d, status)) {
            set(status, condition(PROGRESSING, "True", NEW_RS_AVAILABLE,
                    "ReplicaSet \"" + rsName + "\" has successfully progressed.", now));
        } else if (progressing(d, status)) {
            DeploymentCondition moving = condition(PROGRESSING, "True", RS_UPDATED, "ReplicaSet \"" + rsName + "\" is progressing.", now);
            if (current != null && "True".equals(current.getStatus())) {
                moving.setLastTransitionTime(current.getLastTransitionTime());
            }
            remove(status, PROGRESSING);
            set(status, moving);
        } else if (timedOut(d, status, now)) {
            set(status, condition(PROGRESSING, "False", TIMED_OUT, "ReplicaSet \"" + rsName + "\" has timed out progressing.", now));
        }
    }

    /**
     * The Progressing condition a pause or resume calls for, or null (upstream:
     * checkPausedConditions): paused, Unknown/DeploymentPaused, so no deadline runs; resumed,
     * Unknown/DeploymentResumed until the rollout moves again. Only with a progress deadline; a
     * Deployment that has timed out keeps that condition.
     */
    public static DeploymentCondition pausedCondition(Deployment d, Instant now) {
        if (DeploymentSpecs.progressDeadlineSeconds(d) == null) {
            return null;
        }
        DeploymentCondition c = d.getStatus() == null ? null : get(d.getStatus(), PROGRESSING);
        if (c != null && TIMED_OUT.equals(c.getReason())) {
            return null;
        }
        boolean pausedCondition = c != null && PAUSED.equals(c.getReason());
        if (DeploymentSpecs.paused(d) && !pausedCondition) {
            return condition(PROGRESSING, "Unknown", PAUSED, "Deployment is paused", now);
        }
        if (!DeploymentSpecs.paused(d) && pausedCondition) {
            return condition(PROGRESSING, "Unknown", RESUMED, "Deployment is resumed", now);
        }
        return null;
    }

    /**
     * Complete: every wanted pod runs the current template and is available, and no old
     * pods are left (upstream: DeploymentComplete).
     */
    public static boolean complete(Deployment d, DeploymentStatus s) {
        int replicas = DeploymentSpecs.replicas(d);
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        return intOf(s.getUpdatedReplicas()) == replicas && intOf(s.getReplicas()) == replicas
                && intOf(s.getAvailableReplicas()) == replicas
                && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration()) >= generation;
    }

    /** Moved since the last status: more updated, ready or available pods, or fewer old ones. */
    static boolean progressing(Deployment d, DeploymentStatus s) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        int oldOld = intOf(old.getReplicas()) - intOf(old.getUpdatedReplicas());
        int newOld = intOf(s.getReplicas()) - intOf(s.getUpdatedReplicas());
        return intOf(s.getUpdatedReplicas()) > intOf(old.getUpdatedReplicas()) || newOld < oldOld
                || intOf(s.getReadyReplicas()) > intOf(old.getReadyReplicas())
                || intOf(s.getAvailableReplicas()) > intOf(old.getAvailableReplicas());
    }

    /** No progress for progressDeadlineSeconds since the Progressing condition last moved. */
    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        Integer deadline = DeploymentSpecs.progressDeadlineSeconds(d);
        DeploymentCondition c = get(s, PROGRESSING);
        if (deadline == null || c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(c.getReason())) {
            return true;
        }
        Instant from = PodUtil.parseTime(c.getLastUpdateTime());
        return from != null && from.plusSeconds(deadline).isBefore(now);
    }

    /**
     * When a sync should look again for a deadline that may pass with nothing else happening
     * (upstream: requeueStuckDeployment), or null.
     */
    public static Duration recheckAfter(Deployment d, DeploymentStatus s, Instant now) {
        Integer deadline = DeploymentSpecs.progressDeadlineSeconds(d);
        DeploymentCondition c = get(s, PROGRESSING);
        if (deadline == null || c == null || complete(d, s) || NEW_RS_AVAILABLE.equals(c.getReason())
                || TIMED_OUT.equals(c.getReason()) || PAUSED.equals(c.getReason())) {
            return null;
        }
        Instant from = PodUtil.parseTime(c.getLastUpdateTime());
        if (from == null) {
            return null;
        }
        Duration left = Duration.between(now, from.plusSeconds(deadline));
        return left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(1);
    }

    public static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
        String t = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(t).withLastTransitionTime(t).build();
    }

    public static DeploymentCondition get(DeploymentStatus s, String type) {
        return s.getConditions() == null ? null
                : s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /**
     * Sets a condition, as upstream's SetDeploymentCondition: one with the same status and
     * reason is left as it is (its times too); a changed status keeps nothing of the old one.
     */
    public static void set(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition current = get(s, c.getType());
        if (current != null && Objects.equals(current.getStatus(), c.getStatus()) && Objects.equals(current.getReason(), c.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
        }
        remove(s, c.getType());
        s.getConditions().add(c);
    }

    public static void remove(DeploymentStatus s, String type) {
        if (s.getConditions() != null) {
            s.getConditions().removeIf(c -> type.equals(c.getType()));
        }
    }

    private static List<DeploymentCondition> copyConditions(Deployment d) {
        List<DeploymentCondition> out = new ArrayList<>();
        if (d.getStatus() != null && d.getStatus().getConditions() != null) {
            d.getStatus().getConditions().forEach(c -> out.add(Serialization.clone(c)));
        }
        return out;
    }

    private static int intOf(Integer i) {
        return i == null ? 0 : i;
    }
}
