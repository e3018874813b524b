package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.generic.DeleteOptions;
import io.kubej.apiserver.registry.generic.Store;
import java.util.List;

/**
 * {@code pods/{name}/eviction} (policy/v1 Eviction, upstream {@code pkg/registry/core/pod/storage/eviction.go}):
 * a delete that respects PodDisruptionBudgets, which is how {@code kubectl drain} empties a node.
 * A pod no budget selects, or one that has finished or is not running yet, is simply deleted.
 * A pod one budget selects is deleted only while that budget allows a disruption; otherwise the
 * answer is 429 TooManyRequests and the caller retries later. (kubej has no disruption controller
 * yet, so a budget's {@code disruptionsAllowed} stays 0 and its pods are never evicted.)
 */
public final class EvictionSubresource implements Subresource {
    /** The PodDisruptionBudgets of a namespace. */
    @FunctionalInterface
    public interface Budgets {
        List<ObjectNode> in(String namespace);
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
            List<ObjectNode> matching = budgets.in(namespace).stream().filter(b -> selects(b, pod)).toList();
            if (matching.size() > 1) {
                throw StatusError.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }
            if (!matching.isEmpty() && matching.get(0).path("status").path("disruptionsAllowed").asInt(0) < 1) {
                ObjectNode pdb = matching.get(0);
                throw new StatusError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                        causes("DisruptionBudget", "The disruption budget " + pdb.path("metadata").path("name").asText() + " needs "
                                + pdb.path("status").path("desiredHealthy").asInt(0) + " healthy pods and has "
                                + pdb.path("status").path("currentHealthy").asInt(0) + " currently"));
            }
        }
        JsonNode opts = eviction.path("deleteOptions");
        pods.delete(namespace, name, new DeleteOptions(opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null,
                opts.path("propagationPolicy").asText(null), opts.path("preconditions").path("uid").asText(null),
                opts.path("preconditions").path("resourceVersion").asText(null), dryRun));
        return new Created(201, Subresource.success(201));
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

    private static ObjectNode causes(String reason, String message) {
        ObjectNode d = Json.object();
        d.putArray("causes").addObject().put("reason", reason).put("message", message);
        return d;
    }
}
