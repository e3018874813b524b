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
 * @param specReplicasPath   where the desired count is ({@code /spec/replicas}, a JSON pointer)
 * @param statusReplicasPath where the observed count is ({@code /status/replicas})
 * @param selector           the pods' label selector in query-string form ({@code app=web}), for the HPA
 */
public record ScaleSubresource(String specReplicasPath, String statusReplicasPath, Function<ObjectNode, String> selector)
        implements Subresource {

    /** The built-in workload kinds: spec.replicas and status.replicas. */
    public ScaleSubresource(Function<ObjectNode, String> selector) {
        this("/spec/replicas", "/status/replicas", selector);
    }

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
        return update(store, namespace, name, dryRun, desired, (before, after) -> after);
    }

    @Override
    public ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired,
                             java.util.function.BinaryOperator<ObjectNode> parentWritten) {
        ObjectNode updated = store.update(namespace, name, Store.UpdateScope.MAIN, dryRun, parent -> {
            ObjectNode before = parent.deepCopy();
            ObjectNode scale = desired.apply(toScale(parent));
            String wantedRv = scale.path("metadata").path("resourceVersion").asText("");
            if (wantedRv.isEmpty()) {
                Json.metadata(parent).remove("resourceVersion");
            } else {
                Json.metadata(parent).put("resourceVersion", wantedRv);
            }
            set(parent, specReplicasPath, scale.path("spec").path("replicas").asInt(0));
            return parentWritten.apply(before, parent);
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
        s.putObject("spec").put("replicas", parent.at(specReplicasPath).asInt(0));
        ObjectNode status = s.putObject("status").put("replicas", parent.at(statusReplicasPath).asInt(0));
        String sel = selector.apply(parent);
        if (sel != null) {
            status.put("selector", sel);
        }
        return s;
    }

    /** Sets an int at a JSON pointer, making the objects on the way. */
    private static void set(ObjectNode root, String pointer, int value) {
        String[] parts = pointer.substring(1).split("/");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = Json.obj(at, parts[i]);
        }
        at.put(parts[parts.length - 1], value);
    }
}
