package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.Store;
import java.time.Instant;
import java.util.List;

/**
 * {@code pods/{name}/binding} (upstream {@code pkg/registry/core/pod/storage} BindingREST): how
 * the scheduler assigns a pod to a node. It sets spec.nodeName once (a bound pod is never
 * re-bound) and marks the PodScheduled condition; the kubelet on that node then picks the pod up.
 * Binding only implements create: upstream registers no other route for it.
 */
public final class BindingSubresource implements Subresource {
    @Override
    public String name() {
        return "binding";
    }

    @Override
    public String kind() {
        return "Binding";
    }

    @Override
    public List<String> verbs() {
        return List.of("create");
    }

    @Override
    public Created create(Store pods, String namespace, String podName, ObjectNode binding, boolean dryRun) {
        String name = podName != null && !podName.isEmpty() ? podName : binding.path("metadata").path("name").asText("");
        String node = binding.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw StatusError.invalid("", "Binding", name, List.of(Validation.required("target.name")));
        }
        pods.update(namespace, name, Store.UpdateScope.SUBRESOURCE, dryRun, pod -> bind(pod, name, node, binding));
        return new Created(201, Subresource.success(201));
    }

    private static ObjectNode bind(ObjectNode pod, String name, String node, ObjectNode binding) {
        ObjectNode meta = Json.metadata(pod);
        if (meta.has("deletionTimestamp")) {
            throw StatusError.conflict("", "pods", name, "pod " + name + " is being deleted, cannot be assigned to a host");
        }
        String current = pod.path("spec").path("nodeName").asText("");
        if (!current.isEmpty()) {
            throw StatusError.conflict("", "pods", name, "pod " + name + " is already assigned to node \"" + current + "\"");
        }
        Json.obj(pod, "spec").put("nodeName", node);
        JsonNode ann = binding.path("metadata").path("annotations");
        ann.fields().forEachRemaining(e -> Json.obj(meta, "annotations").set(e.getKey(), e.getValue()));
        ObjectNode status = Json.obj(pod, "status");
        ArrayNode conditions = status.has("conditions") ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if (conditions.get(i).path("type").asText().equals("PodScheduled")) {
                conditions.remove(i);
            }
        }
        conditions.addObject().put("type", "PodScheduled").put("status", "True")
                .putNull("lastProbeTime").put("lastTransitionTime", Json.timestamp(Instant.now()));
        meta.remove("resourceVersion");
        return pod;
    }
}
