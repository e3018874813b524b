package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.generic.Store;

/**
 * Pod binding (upstream {@code pkg/registry/core/pod/storage} BindingREST): how the scheduler
 * assigns a pod to a node. It sets spec.nodeName once (a bound pod is never re-bound) and marks
 * the PodScheduled condition; the kubelet on that node then picks the pod up.
 */
public final class Binding {
    private Binding() {
    }

    public static void bind(Store pods, String namespace, String podName, ObjectNode binding, ResponseWriter out) {
        String name = podName != null && !podName.isEmpty() ? podName : binding.path("metadata").path("name").asText("");
        String node = binding.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw StatusError.invalid("", "Binding", name, java.util.List.of(
                    io.kubej.apiserver.registry.Validation.required("target.name")));
        }
        pods.update(namespace, name, "binding", pod -> {
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
                    .putNull("lastProbeTime").put("lastTransitionTime", Json.timestamp(java.time.Instant.now()));
            meta.remove("resourceVersion");
            return pod;
        });
        ObjectNode ok = Json.object();
        ok.put("kind", "Status").put("apiVersion", "v1");
        ok.putObject("metadata");
        ok.put("status", "Success").put("code", 201);
        ResourceHandler.writeObject(out, 201, ok);
    }
}
