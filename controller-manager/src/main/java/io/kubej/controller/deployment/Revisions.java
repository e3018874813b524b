package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Rollout revisions and the revision history (upstream: deploymentutil.Revision,
 * SetNewReplicaSetAnnotations and the controller's cleanupDeployment).
 *
 * <p>Every ReplicaSet of a Deployment carries {@code deployment.kubernetes.io/revision}. The
 * ReplicaSet of the current template always has the highest: one more than the highest of the
 * old ones. So a rollback ({@code kubectl rollout undo} puts an old ReplicaSet's template back)
 * gives that old ReplicaSet a new, highest number rather than a second ReplicaSet. Old
 * ReplicaSets scaled to zero are kept for rollbacks, up to {@code spec.revisionHistoryLimit}.
 */
public final class Revisions {
    private Revisions() {
    }

    /** The revision annotation, 0 when missing or not a number. */
    public static long of(HasMetadata obj) {
        Map<String, String> a = obj.getMetadata().getAnnotations();
        if (a == null || a.get(DeploymentSpecs.REVISION) == null) {
            return 0;
        }
        try {
            return Long.parseLong(a.get(DeploymentSpecs.REVISION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static long max(List<ReplicaSet> rss) {
        return rss.stream().mapToLong(Revisions::of).max().orElse(0);
    }

    /** The revision the current template's ReplicaSet gets. */
    public static long next(List<ReplicaSet> oldReplicaSets) {
        return max(oldReplicaSets) + 1;
    }

    /**
     * The old ReplicaSets to delete so that at most {@code limit} remain: the lowest
     * revisions first, and of those only ones with no pods wanted or left and whose status has
     * caught up with their spec (as upstream, a ReplicaSet still running pods is skipped, not
     * replaced by a younger one).
     */
    public static List<ReplicaSet> toCleanUp(List<ReplicaSet> oldReplicaSets, int limit) {
        List<ReplicaSet> cleanable = new ArrayList<>(oldReplicaSets.stream()
                .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList());
        int diff = cleanable.size() - limit;
        if (diff <= 0) {
            return List.of();
        }
        cleanable.sort(Comparator.<ReplicaSet>comparingLong(Revisions::of).thenComparing(DeploymentSpecs.OLDEST_FIRST));
        List<ReplicaSet> doomed = new ArrayList<>();
        for (ReplicaSet rs : cleanable.subList(0, diff)) {
            long generation = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
            long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0 : rs.getStatus().getObservedGeneration();
            if (DeploymentSpecs.specReplicas(rs) != 0 || DeploymentSpecs.statusReplicas(rs) != 0 || generation > observed) {
                continue;
            }
            doomed.add(rs);
        }
        return doomed;
    }
}
