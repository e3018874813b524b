package io.kubej.controller.disruption;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a PodDisruptionBudget's status should say, computed from its pods and their controllers
 * (upstream: the disruption controller's getExpectedPodCount, buildDisruptedPodMap,
 * countHealthyPods and updatePdbStatus). Pure, so each rule is tested on its own.
 *
 * <ul>
 *   <li>{@code minAvailable: N}: N pods must be healthy, of however many are selected.</li>
 *   <li>{@code minAvailable: P%} and {@code maxUnavailable}: counted against the scale of the
 *       pods' controllers (a Deployment's, ReplicaSet's, StatefulSet's or ReplicationController's
 *       {@code spec.replicas}, each counted once), percentages rounded up. A bare pod cannot be
 *       counted so; a controller without a scale makes the sync fail.</li>
 *   <li>Healthy: Ready and not being deleted, and not an eviction the API server recorded in
 *       {@code disruptedPods} in the last two minutes (the pod should be going).</li>
 * </ul>
 */
public final class PdbStatuses {
    /** Upstream's DeletionTimeout: how long an evicted pod may take to show its deletion before it counts again. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);
    static final String CONDITION = "DisruptionAllowed";

    private PdbStatuses() {
    }

    /** A controller of selected pods with its desired replicas; uid tells controllers apart. */
    public record Scale(String uid, int replicas) {
    }

    /** Finds the scale of the controller a pod's controllerRef names (following a ReplicaSet to its Deployment). */
    @FunctionalInterface
    public interface ScaleFinder {
        Optional<Scale> find(String namespace, OwnerReference controllerRef);
    }

    /**
     * A sync's outcome: the status to write, pods found unmanaged, evicted pods that were not
     * deleted within the timeout, and when the budget must be looked at again.
     */
    public record Result(PodDisruptionBudgetStatus status, List<String> unmanagedPods, List<Pod> notDeleted, Instant recheckAt) {
    }

    /** Why a status cannot be computed (upstream then "fails safe": no disruption allowed). */
    public static final class SyncFailure extends Exception {
        SyncFailure(String message) {
            super(message);
        }
    }

    /** Expected pods, desired healthy, and the pods without a controller. */
    record Expected(int expectedCount, int desiredHealthy, List<String> unmanaged) {
    }

    public static Result compute(PodDisruptionBudget pdb, List<Pod> pods, ScaleFinder scales, Instant now) throws SyncFailure {
        Expected expected = expectedPodCount(pdb, pods, scales);
        Map<String, String> disrupted = new TreeMap<>();
        Instant recheck = null;
        List<Pod> notDeleted = new ArrayList<>();
        Map<String, String> recorded = pdb.getStatus() == null || pdb.getStatus().getDisruptedPods() == null
                ? Map.of() : pdb.getStatus().getDisruptedPods();
        for (Pod pod : pods) {
            String when = recorded.get(pod.getMetadata().getName());
            Instant at = PodUtil.parseTime(when);
            if (pod.getMetadata().getDeletionTimestamp() != null || at == null) {
                continue; // deleted as expected (or never evicted): no longer tracked
            }
            Instant expectedDeletion = at.plus(DELETION_TIMEOUT);
            if (expectedDeletion.isBefore(now)) {
                notDeleted.add(pod); // it was not deleted after all: it counts again
                continue;
            }
            disrupted.put(pod.getMetadata().getName(), when);
            if (recheck == null || expectedDeletion.isBefore(recheck)) {
                recheck = expectedDeletion;
            }
        }
        int healthy = 0;
        for (Pod pod : pods) {
            if (pod.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(pod.getMetadata().getName())
                    && PodUtil.isReady(pod)) {
                healthy++;
            }
        }
        int allowed = healthy - expected.desiredHealthy();
        if (expected.expectedCount() <= 0 || allowed < 0) {
            allowed = 0;
        }
        PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
        status.setCurrentHealthy(healthy);
        status.setDesiredHealthy(expected.desiredHealthy());
        status.setExpectedPods(expected.expectedCount());
        status.setDisruptionsAllowed(allowed);
        status.setDisruptedPods(disrupted);
        status.setObservedGeneration(pdb.getMetadata().getGeneration());
        status.setConditions(withCondition(pdb.getStatus(), allowed > 0, allowed > 0 ? "SufficientPods" : "InsufficientPods", "",
                pdb.getMetadata().getGeneration(), now));
        return new Result(status, expected.unmanaged(), notDeleted, recheck);
    }

    /** Upstream's failSafe: nothing may be disrupted, and the condition says why; the rest of the status stays. */
    public static PodDisruptionBudgetStatus failSafe(PodDisruptionBudget pdb, String message, Instant now) {
        PodDisruptionBudgetStatus old = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
        PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
        status.setCurrentHealthy(old.getCurrentHealthy());
        status.setDesiredHealthy(old.getDesiredHealthy());
        status.setExpectedPods(old.getExpectedPods());
        status.setDisruptedPods(old.getDisruptedPods());
        status.setObservedGeneration(old.getObservedGeneration());
        status.setDisruptionsAllowed(0);
        status.setConditions(withCondition(old, false, "SyncFailed", message, old.getObservedGeneration(), now));
        return status;
    }

    static Expected expectedPodCount(PodDisruptionBudget pdb, List<Pod> pods, ScaleFinder scales) throws SyncFailure {
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            Expected scale = expectedScale(pods, scales);
            int unavailable = scaled(maxUnavailable, scale.expectedCount());
            return new Expected(scale.expectedCount(), Math.max(0, scale.expectedCount() - unavailable), scale.unmanaged());
        }
        if (minAvailable != null) {
            if (minAvailable.getStrVal() == null) {
                return new Expected(pods.size(), minAvailable.getIntVal() == null ? 0 : minAvailable.getIntVal(), List.of());
            }
            Expected scale = expectedScale(pods, scales);
            return new Expected(scale.expectedCount(), scaled(minAvailable, scale.expectedCount()), scale.unmanaged());
        }
        return new Expected(pods.size(), 0, List.of());
    }

    /**
     * The sum of the pods' controllers' replicas, each controller once (the pods of one
     * Deployment's ReplicaSets all find the Deployment); pods without a controller are listed,
     * a controller without a scale fails the sync.
     */
    private static Expected expectedScale(List<Pod> pods, ScaleFinder scales) throws SyncFailure {
        Map<String, Integer> byScale = new HashMap<>();
        List<String> unmanaged = new ArrayList<>();
        for (Pod pod : pods) {
            Optional<OwnerReference> ref = PodUtil.controllerRef(pod);
            if (ref.isEmpty()) {
                unmanaged.add(pod.getMetadata().getName());
                continue;
            }
            Scale scale = scales.find(pod.getMetadata().getNamespace(), ref.get())
                    .orElseThrow(() -> new SyncFailure("found no controllers for pod \"" + pod.getMetadata().getName() + "\""));
            byScale.put(scale.uid(), scale.replicas());
        }
        return new Expected(byScale.values().stream().mapToInt(Integer::intValue).sum(), 0, unmanaged);
    }

    /** Upstream's GetScaledValueFromIntOrPercent, rounding up. */
    static int scaled(IntOrString value, int total) throws SyncFailure {
        if (value.getStrVal() == null) {
            return value.getIntVal() == null ? 0 : value.getIntVal();
        }
        String s = value.getStrVal();
        if (!s.endsWith("%")) {
            throw new SyncFailure("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        try {
            int percent = Integer.parseInt(s.substring(0, s.length() - 1));
            return (int) Math.ceil(percent * (double) total / 100.0);
        } catch (NumberFormatException e) {
            throw new SyncFailure("invalid value \"" + s + "\": " + e.getMessage());
        }
    }

    /** The conditions with DisruptionAllowed set (its transition time kept while its status stays). */
    private static List<Condition> withCondition(PodDisruptionBudgetStatus old, boolean allowed, String reason, String message,
                                                 Long generation, Instant now) {
        List<Condition> out = new ArrayList<>();
        Condition previous = null;
        if (old != null && old.getConditions() != null) {
            for (Condition c : old.getConditions()) {
                if (CONDITION.equals(c.getType())) {
                    previous = c;
                } else {
                    out.add(c);
                }
            }
        }
        String status = allowed ? "True" : "False";
        String since = previous != null && status.equals(previous.getStatus()) ? previous.getLastTransitionTime()
                : now.truncatedTo(ChronoUnit.SECONDS).toString();
        out.add(new ConditionBuilder().withType(CONDITION).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build());
        return out;
    }

    /** Whether writing {@code next} would change anything the user can see (upstream skips such writes). */
    public static boolean changes(PodDisruptionBudgetStatus old, PodDisruptionBudgetStatus next) {
        if (old == null) {
            return true;
        }
        Map<String, String> oldDisrupted = old.getDisruptedPods() == null ? Map.of() : old.getDisruptedPods();
        Map<String, String> nextDisrupted = next.getDisruptedPods() == null ? Map.of() : next.getDisruptedPods();
        return !Objects.equals(old.getCurrentHealthy(), next.getCurrentHealthy())
                || !Objects.equals(old.getDesiredHealthy(), next.getDesiredHealthy())
                || !Objects.equals(old.getExpectedPods(), next.getExpectedPods())
                || !Objects.equals(old.getDisruptionsAllowed(), next.getDisruptionsAllowed())
                || !Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())
                || !oldDisrupted.equals(nextDisrupted)
                || !conditionOf(old).equals(conditionOf(next));
    }

    private static String conditionOf(PodDisruptionBudgetStatus s) {
        if (s.getConditions() == null) {
            return "";
        }
        return s.getConditions().stream().filter(c -> CONDITION.equals(c.getType()))
                .map(c -> c.getStatus() + "/" + c.getReason() + "/" + c.getMessage() + "/" + c.getObservedGeneration())
                .findFirst().orElse("");
    }
}
