package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.generic.DeleteOptions;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code pods/{name}/eviction} (policy/v1 Eviction, upstream {@code pkg/registry/core/pod/storage/eviction.go}):
 * a delete that respects PodDisruptionBudgets, which is how {@code kubectl drain} empties a node.
 * A pod no budget selects, or one that has finished, is not running yet or is already terminating,
 * is simply deleted. A pod one budget selects is deleted only while the budget's status (written
 * by the disruption controller) allows a disruption: the eviction then takes one, decrementing
 * {@code status.disruptionsAllowed} and recording the pod under {@code status.disruptedPods}, in
 * a write that carries the budget's resourceVersion, so two evictions never spend the same
 * disruption (a lost race reads the budget again). Otherwise the answer is 429 TooManyRequests
 * and the caller retries later.
 */
public final class EvictionSubresource implements Subresource {
    /** Upstream's MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet, at most. */
    static final int MAX_DISRUPTED_PODS = 2000;
    /** Upstream retries a budget write that lost a race 20 times (EvictionsRetry). */
    private static final int RETRIES = 20;
    static final String TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";

    /** The PodDisruptionBudgets of a namespace, and the write of one's status. */
    @FunctionalInterface
    public interface Budgets {
        List<ObjectNode> in(String namespace);

        /** Writes {@code pdb}'s status if its resourceVersion is still current, else 409 Conflict. */
        default void updateStatus(String namespace, ObjectNode pdb) {
            throw new UnsupportedOperationException("no PodDisruptionBudget storage");
        }

        /** The budgets kept in {@code store} (policy/v1 poddisruptionbudgets). */
        static Budgets of(Supplier<Store> store) {
            return new Budgets() {
                @Override
                public List<ObjectNode> in(String namespace) {
                    return store.get().list(namespace, ListOptions.everything()).items();
                }

                @Override
                public void updateStatus(String namespace, ObjectNode pdb) {
                    store.get().update(namespace, pdb.path("metadata").path("name").asText(), Store.UpdateScope.STATUS, false,
                            current -> pdb);
                }
            };
        }
    }

    private final Budgets budgets;

    public EvictionSubresource(Budgets budgets) {
        this.budgets = budgets;
    }

    @Override
    public String name() {
        return "eviction";
    }

    @Override
    public String kind() {
        return "Eviction";
    }

    @Override
    public String groupVersion() {
        return "policy/v1";
    }

    @Override
    public List<String> verbs() {
        return List.of("create");
    }

    @Override
    public Created create(Store pods, String namespace, String name, ObjectNode eviction, boolean dryRun) {
        String evicted = eviction.path("metadata").path("name").asText(name);
        if (!evicted.equals(name)) {
            throw StatusError.badRequest("name in URL does not match name in Eviction object");
        }
        ObjectNode pod = pods.get(namespace, name);
        if (!canIgnoreBudgets(pod)) {
            takeDisruption(namespace, pod, dryRun);
        }
        JsonNode opts = eviction.path("deleteOptions");
        pods.delete(namespace, name, new DeleteOptions(opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null,
                opts.path("propagationPolicy").asText(null), opts.path("preconditions").path("uid").asText(null),
                opts.path("preconditions").path("resourceVersion").asText(null), dryRun));
        return new Created(201, Subresource.success(201));
    }

    /** Spends one of the pod's budget's disruptions, or refuses; a budget written meanwhile is read again. */
    private void takeDisruption(String namespace, ObjectNode pod, boolean dryRun) {
        for (int attempt = 0; ; attempt++) {
            List<ObjectNode> matching = budgets.in(namespace).stream().filter(b -> selects(b, pod)).toList();
            if (matching.isEmpty()) {
                return;
            }
            if (matching.size() > 1) {
                throw StatusError.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }
            ObjectNode pdb = matching.get(0).deepCopy();
            if (unhealthyMayGo(pdb, pod)) {
                return;
            }
            decrement(pdb, pod.path("metadata").path("name").asText(), Instant.now());
            if (dryRun) {
                return;
            }
            try {
                budgets.updateStatus(namespace, pdb);
                return;
            } catch (StatusError e) {
                if (e.code() != 409 || attempt >= RETRIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * Upstream's unhealthyPodEvictionPolicy: a pod that is not Ready spends no disruption when the
     * policy is AlwaysAllow, or (IfHealthyBudget, the default) while the budget is met anyway.
     */
    static boolean unhealthyMayGo(ObjectNode pdb, ObjectNode pod) {
        if (isReady(pod)) {
            return false;
        }
        if ("AlwaysAllow".equals(pdb.path("spec").path("unhealthyPodEvictionPolicy").asText())) {
            return true;
        }
        JsonNode status = pdb.path("status");
        int desired = status.path("desiredHealthy").asInt(0);
        return desired > 0 && status.path("currentHealthy").asInt(0) >= desired;
    }

    /**
     * Upstream's checkAndDecrement: refuses while the disruption controller has not seen the
     * budget's current spec, or when it allows nothing; otherwise takes one disruption and
     * records the pod, so the controller does not count it healthy until it is gone.
     */
    static void decrement(ObjectNode pdb, String podName, Instant now) {
        String pdbName = pdb.path("metadata").path("name").asText();
        ObjectNode status = Json.obj(pdb, "status");
        if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
            throw tooManyRequests("The disruption budget " + pdbName + " is still being processed by the server.");
        }
        int allowed = status.path("disruptionsAllowed").asInt(0);
        if (allowed < 0) {
            throw StatusError.forbiddenOn("policy", "poddisruptionbudget", pdbName, "pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
            throw StatusError.forbiddenOn("policy", "poddisruptionbudget", pdbName,
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
            throw tooManyRequests("The disruption budget " + pdbName + " needs " + status.path("desiredHealthy").asInt(0)
                    + " healthy pods and has " + status.path("currentHealthy").asInt(0) + " currently");
        }
        status.put("disruptionsAllowed", allowed - 1);
        if (allowed - 1 == 0) {
            setDisruptionAllowed(status, false, now);
        }
        Json.obj(status, "disruptedPods").put(podName, now.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The DisruptionAllowed condition, its transition time kept when its status does not change (meta SetStatusCondition). */
    private static void setDisruptionAllowed(ObjectNode status, boolean allowed, Instant now) {
        String want = allowed ? "True" : "False";
        ArrayNode conditions = status.withArray("conditions");
        ObjectNode condition = null;
        for (JsonNode c : conditions) {
            if ("DisruptionAllowed".equals(c.path("type").asText())) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject().put("type", "DisruptionAllowed");
        }
        if (!want.equals(condition.path("status").asText())) {
            condition.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        condition.put("status", want).put("reason", allowed ? "SufficientPods" : "InsufficientPods").put("message", "")
                .put("observedGeneration", status.path("observedGeneration").asLong(0));
    }

    private static StatusError tooManyRequests(String cause) {
        ObjectNode details = Json.object();
        details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
        return new StatusError(429, "TooManyRequests", TOO_MANY, details);
    }

    private static boolean isReady(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    /** Upstream lets finished, not yet running, and already terminating pods go whatever the budgets say. */
    private static boolean canIgnoreBudgets(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                || pod.path("metadata").has("deletionTimestamp");
    }

    private static boolean selects(ObjectNode pdb, ObjectNode pod) {
        JsonNode selector = pdb.path("spec").path("selector");
        return !selector.isMissingNode() && LabelSelector.parse(ReplicaSetStrategy.selectorString(selector))
                .matches(pod.path("metadata").get("labels"));
    }
}
