package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of a RollingUpdate rollout (upstream: pkg/controller/deployment/rolling.go and
 * deploymentutil), kept free of API calls so each rule can be tested on its own.
 *
 * <p>The two fenceposts, both counted against {@code spec.replicas}: {@code maxSurge} (default
 * 25%, a percentage rounds up) is how many pods may exist above the desired count;
 * {@code maxUnavailable} (default 25%, rounds down) how many below it may be unavailable. Both
 * 0 would forbid any step, so unavailable becomes 1 then. One step of the rollout scales the
 * new ReplicaSet up as far as the surge allows, and the old ones down as far as availability
 * allows; the controller then waits for the ReplicaSets' status to change and takes the next.
 */
public final class RollingUpdate {
    private RollingUpdate() {
    }

    /** maxSurge and maxUnavailable resolved to pod counts. */
    public record Fenceposts(int maxSurge, int maxUnavailable) {
    }

    public static Fenceposts fenceposts(Deployment d) {
        int replicas = DeploymentSpecs.replicas(d);
        var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        IntOrString surge = rolling == null || rolling.getMaxSurge() == null ? new IntOrString("25%") : rolling.getMaxSurge();
        IntOrString unavailable = rolling == null || rolling.getMaxUnavailable() == null ? new IntOrString("25%") : rolling.getMaxUnavailable();
        return fenceposts(surge, unavailable, replicas);
    }

    public static Fenceposts fenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int replicas) {
        int surge = scaled(maxSurge, replicas, true);
        int unavailable = scaled(maxUnavailable, replicas, false);
        if (surge == 0 && unavailable == 0) {
            return new Fenceposts(0, 1);
        }
        return new Fenceposts(surge, unavailable);
    }

    /** An int as is; "N%" of {@code total}, rounded up or down. */
    static int scaled(IntOrString value, int total, boolean roundUp) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (s == null || !s.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: " + s);
        }
        long percent = Long.parseLong(s.substring(0, s.length() - 1));
        long product = percent * total;
        return (int) (roundUp ? (product + 99) / 100 : product / 100);
    }

    /**
     * The deployment's maxUnavailable as the Available condition uses it: 0 for Recreate or no
     * replicas, never more than the replicas.
     */
    public static int maxUnavailable(Deployment d) {
        int replicas = DeploymentSpecs.replicas(d);
        if (!DeploymentSpecs.isRollingUpdate(d) || replicas == 0) {
            return 0;
        }
        return Math.min(fenceposts(d).maxUnavailable(), replicas);
    }

    /**
     * The new ReplicaSet's size after this step: grown by what the surge leaves room for,
     * never beyond {@code spec.replicas} (upstream: NewRSNewReplicas). {@code all} includes the
     * new ReplicaSet, whose current size is {@code newSize}.
     */
    public static int newReplicaSetSize(Deployment d, List<ReplicaSet> all, int newSize) {
        int replicas = DeploymentSpecs.replicas(d);
        int maxTotal = replicas + fenceposts(d).maxSurge();
        int current = DeploymentSpecs.specReplicas(all);
        if (current >= maxTotal) {
            return newSize; // no room: old pods must go first
        }
        int room = maxTotal - current;
        return newSize + Math.max(0, Math.min(room, replicas - newSize));
    }

    /**
     * The old ReplicaSets' sizes after this step, by name, for those that shrink (upstream:
     * reconcileOldReplicaSets). First old pods that are not available go (they serve nothing),
     * as long as the total stays above {@code replicas - maxUnavailable} plus the new
     * ReplicaSet's own unavailable pods; then available old pods, as long as the available
     * pods stay at least {@code replicas - maxUnavailable}. Oldest ReplicaSets first.
     */
    public static Map<String, Integer> oldReplicaSetSizes(Deployment d, List<ReplicaSet> oldActive, ReplicaSet newRs) {
        int replicas = DeploymentSpecs.replicas(d);
        int minAvailable = replicas - fenceposts(d).maxUnavailable();
        List<ReplicaSet> olds = new ArrayList<>(oldActive);
        olds.sort(DeploymentSpecs.OLDEST_FIRST);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (ReplicaSet rs : olds) {
            sizes.put(rs.getMetadata().getName(), DeploymentSpecs.specReplicas(rs));
        }
        int newSize = newRs == null ? 0 : DeploymentSpecs.specReplicas(newRs);
        int newAvailable = newRs == null ? 0 : DeploymentSpecs.availableReplicas(newRs);
        int newUnavailable = Math.max(0, newSize - newAvailable);
        int allPods = newSize + sizes.values().stream().mapToInt(Integer::intValue).sum();
        int maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return Map.of();
        }
        // 1. unhealthy old pods
        int cleaned = 0;
        for (ReplicaSet rs : olds) {
            if (cleaned >= maxScaledDown) {
                break;
            }
            String name = rs.getMetadata().getName();
            int unhealthy = sizes.get(name) - DeploymentSpecs.availableReplicas(rs);
            if (unhealthy <= 0) {
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            sizes.put(name, sizes.get(name) - down);
            cleaned += down;
        }
        // 2. available old pods, keeping minAvailable
        int available = newAvailable + olds.stream().mapToInt(DeploymentSpecs::availableReplicas).sum();
        int canRemove = available - minAvailable;
        int removed = 0;
        for (ReplicaSet rs : olds) {
            if (removed >= canRemove) {
                break;
            }
            String name = rs.getMetadata().getName();
            int size = sizes.get(name);
            if (size == 0) {
                continue;
            }
            int down = Math.min(size, canRemove - removed);
            sizes.put(name, size - down);
            removed += down;
        }
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (ReplicaSet rs : olds) {
            String name = rs.getMetadata().getName();
            if (sizes.get(name) != DeploymentSpecs.specReplicas(rs)) {
                changed.put(name, sizes.get(name));
            }
        }
        return changed;
    }

    /**
     * The sizes after {@code spec.replicas} changed with several ReplicaSets active (a scale
     * during a rollout). Upstream spreads the difference over the ReplicaSets in proportion to
     * their sizes; kubej simplifies: growth goes to the newest ReplicaSet, shrinking takes from
     * the oldest first. The total allowed is {@code replicas + maxSurge} (Recreate: no surge).
     * {@code active} is ordered oldest first; the result has a size for each of them.
     */
    public static Map<String, Integer> proportionalSizes(Deployment d, List<ReplicaSet> active) {
        int allowed = DeploymentSpecs.replicas(d) + (DeploymentSpecs.isRollingUpdate(d) ? fenceposts(d).maxSurge() : 0);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        active.forEach(rs -> sizes.put(rs.getMetadata().getName(), DeploymentSpecs.specReplicas(rs)));
        int diff = allowed - DeploymentSpecs.specReplicas(active);
        if (diff > 0 && !active.isEmpty()) {
            String newest = active.get(active.size() - 1).getMetadata().getName();
            sizes.merge(newest, diff, Integer::sum);
        }
        for (ReplicaSet rs : active) {
            if (diff >= 0) {
                break;
            }
            String name = rs.getMetadata().getName();
            int down = Math.min(sizes.get(name), -diff);
            sizes.put(name, sizes.get(name) - down);
            diff += down;
        }
        return sizes;
    }
}
