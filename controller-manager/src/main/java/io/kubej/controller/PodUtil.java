package io.kubej.controller;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.Optional;

/** Small questions controllers ask about pods (upstream: podutil and controller_utils). */
public final class PodUtil {
    private PodUtil() {
    }

    /** Pending or running, and not being deleted: counts toward a ReplicaSet's replicas. */
    public static boolean isActive(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    public static Optional<PodCondition> readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    public static boolean isReady(Pod pod) {
        return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Ready, and ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        Optional<PodCondition> ready = readyCondition(pod).filter(c -> "True".equals(c.getStatus()));
        if (ready.isEmpty()) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Instant since = parseTime(ready.get().getLastTransitionTime());
        return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static Optional<OwnerReference> controllerRef(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        if (obj.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return obj.getMetadata().getOwnerReferences().stream()
                .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    public static Instant parseTime(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
