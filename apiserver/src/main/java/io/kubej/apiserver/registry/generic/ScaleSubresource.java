package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code <resource>/scale} (autoscaling/v1 Scale, upstream {@code ScaleREST} of each workload
 * kind and the CRD scale subresource): a small view of the replica count that {@code kubectl
 * scale} and autoscalers read and write without knowing the owning kind. Which fields hold
 * desired and observed replicas and the selector is all that differs between kinds.
 *
 * @param selector the pods' label selector in query-string form ({@code app=web}), for the HPA
 */
public record ScaleSubresource(Function<ObjectNode, String> selector) implements Subresource {

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String kind() {
        return "Scale";
    }

    @Override
    public String groupVersion() {
        return "autoscaling/v1";
    }

    @Override
    public List<String> verbs() {
        return List.of("get", "patch", "update");
    }

    @Override
    public PatchMeta patchMeta(Resource parent) {
        return PatchMeta.OBJECT;
    }

    @Override
    public ObjectNode get(Store store, String namespace, String name) {
        return toScale(store.get(namespace, name));
    }

    /** Only spec.replicas changes; a resourceVersion in the Scale is a precondition on the parent. */
    @Override
    public ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired) {
        ObjectNode updated = store.update(namespace, name, Store.UpdateScope.MAIN, dryRun, parent -> {
            ObjectNode scale = desired.apply(toScale(parent));
            String wantedRv = scale.path("metadata").path("resourceVersion").asText("");
            if (wantedRv.isEmpty()) {
                Json.metadata(parent).remove("resourceVersion");
            } else {
                Json.metadata(parent).put("resourceVersion", wantedRv);
            }
            Json.obj(parent, "spec").put("replicas", scale.path("spec").path("replicas").asInt(0));
            return parent;
        });
        return toScale(updated);
    }

    ObjectNode toScale(ObjectNode parent) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (parent.path("metadata").has(f)) {
                meta.set(f, parent.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(0));
        s.putObject("status").put("replicas", parent.path("status").path("replicas").asInt(0))
                .put("selector", selector.apply(parent));
        return s;
    }
}
