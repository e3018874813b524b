package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which NoExecute taints a pod tolerates, and for how long (upstream: the toleration helpers
 * of k8s.io/api core/v1 and {@code getMinTolerationTime} in pkg/controller/tainteviction).
 *
 * <p>A pod that does not tolerate every NoExecute taint of its node goes at once. One that
 * tolerates them all stays as long as the shortest {@code tolerationSeconds} among the
 * tolerations that matched (the DefaultTolerationSeconds admission plugin gives every pod 300 s
 * for not-ready and unreachable); a toleration without {@code tolerationSeconds} tolerates for
 * ever.
 */
public final class Tolerations {
    private Tolerations() {
    }

    /** Upstream's ToleratesTaint: same effect (or any), same key (or any with Exists), same value unless Exists. */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null && !toleration.getEffect().isEmpty() && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = toleration.getKey() == null ? "" : toleration.getKey();
        if (!key.isEmpty() && !key.equals(taint.getKey())) {
            return false;
        }
        String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal" : toleration.getOperator();
        return switch (operator) {
            case "Exists" -> true;
            // an empty key means "every key" only together with Exists
            case "Equal" -> !key.isEmpty() && Objects.equals(nullToEmpty(toleration.getValue()), nullToEmpty(taint.getValue()));
            default -> false;
        };
    }

    /**
     * How long a pod with {@code tolerations} may stay on a node with {@code noExecuteTaints}:
     * empty = for ever, {@link Duration#ZERO} = evict now.
     */
    public static Optional<Duration> timeUntilEviction(List<Toleration> tolerations, List<Taint> noExecuteTaints) {
        if (noExecuteTaints.isEmpty()) {
            return Optional.empty();
        }
        List<Toleration> all = tolerations == null ? List.of() : tolerations;
        Duration min = null;
        for (Taint taint : noExecuteTaints) {
            List<Toleration> matching = all.stream().filter(t -> tolerates(t, taint)).toList();
            if (matching.isEmpty()) {
                return Optional.of(Duration.ZERO);
            }
            for (Toleration t : matching) {
                if (t.getTolerationSeconds() == null) {
                    continue;
                }
                Duration d = Duration.ofSeconds(Math.max(0, t.getTolerationSeconds()));
                if (min == null || d.compareTo(min) < 0) {
                    min = d;
                }
            }
        }
        return Optional.ofNullable(min);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
