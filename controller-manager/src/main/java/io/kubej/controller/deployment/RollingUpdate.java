package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.Comparator;
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
     * maxSurge as the replica annotations and proportional scaling count it (upstream:
     * deploymentutil.MaxSurge): 0 for Recreate.
     */
    public static int maxSurge(Deployment d) {
        return DeploymentSpecs.isRollingUpdate(d) ? fenceposts(d).maxSurge() : 0;
    }

    /** Larger first; of equal size the newer first (upstream: ReplicaSetsBySizeNewer), for scaling up. */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER_FIRST = Comparator
            .comparingInt((ReplicaSet rs) -> DeploymentSpecs.specReplicas(rs)).reversed()
            .thenComparing(DeploymentSpecs.OLDEST_FIRST.reversed());

    /** Larger first; of equal size the older first (upstream: ReplicaSetsBySizeOlder), for scaling down. */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER_FIRST = Comparator
            .comparingInt((ReplicaSet rs) -> DeploymentSpecs.specReplicas(rs)).reversed()
            .thenComparing(DeploymentSpecs.OLDEST_FIRST);

    /**
     * Proportional scaling (upstream: the RollingUpdate branch of the controller's scale in
     * sync.go): {@code spec.replicas} changed while several ReplicaSets are active, so the pods
     * to add or remove are shared among them in proportion to their sizes, the old ones keeping
     * their share rather than the newest taking everything. The total becomes
     * {@code replicas + maxSurge}. Each ReplicaSet's share is its size scaled by the new maximum
     * over the maximum it was sized for ({@code deployment.kubernetes.io/max-replicas}), rounded,
     * never more than what is left to hand out; what rounding leaves over goes to (or comes from)
     * the largest ReplicaSet (newer first on the way up, older first on the way down).
     * {@code active} holds the ReplicaSets with {@code spec.replicas > 0}; the result has a size
     * for each of them.
     */
    public static Map<String, Integer> proportionalSizes(Deployment d, List<ReplicaSet> active) {
        int replicas = DeploymentSpecs.replicas(d);
        int allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
        int toAdd = allowed - DeploymentSpecs.specReplicas(active);
        List<ReplicaSet> ordered = new ArrayList<>(active);
        ordered.sort(toAdd >= 0 ? BY_SIZE_NEWER_FIRST : BY_SIZE_OLDER_FIRST);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int added = 0;
        for (ReplicaSet rs : ordered) {
            int share = proportion(rs, d, toAdd, added);
            sizes.put(rs.getMetadata().getName(), DeploymentSpecs.specReplicas(rs) + share);
            added += share;
        }
        if (toAdd != 0 && !ordered.isEmpty()) {
            String largest = ordered.get(0).getMetadata().getName();
            sizes.put(largest, Math.max(0, sizes.get(largest) + toAdd - added));
        }
        return sizes;
    }

    /**
     * One ReplicaSet's share of {@code toAdd}, {@code added} of it handed out already (upstream:
     * GetReplicaSetProportion): its proportional change, capped by what is left in the direction
     * of the scaling.
     */
    static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (DeploymentSpecs.specReplicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int left = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }

    /**
     * The change that keeps this ReplicaSet's part of the whole (upstream: getReplicaSetFraction):
     * {@code size * maxNow / maxBefore - size}, {@code maxBefore} from its max-replicas annotation
     * (or, missing, the Deployment's status.replicas). Scaled to 0, a ReplicaSet loses everything.
     */
    static int fraction(ReplicaSet rs, Deployment d) {
        int size = DeploymentSpecs.specReplicas(rs);
        int replicas = DeploymentSpecs.replicas(d);
        if (replicas == 0) {
            return -size;
        }
        int maxNow = replicas + maxSurge(d);
        Integer annotated = DeploymentSpecs.intAnnotation(rs, DeploymentSpecs.MAX_REPLICAS);
        int maxBefore = annotated == null ? 0 : annotated;
        if (maxBefore == 0) {
            maxBefore = d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas();
            if (maxBefore == 0) {
                return 0; // nothing to be proportional to: the leftover step sizes the largest one
            }
        }
        return (int) Math.round((double) size * maxNow / maxBefore) - size;
    }
}
