package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.generic.Store;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code pods/<name>/ephemeralcontainers} (upstream: EphemeralContainersREST), what
 * {@code kubectl debug} patches to add a debugging container to a running pod. It reads and
 * writes the whole Pod, but a write changes nothing except {@code spec.ephemeralContainers},
 * and only by adding ({@link PodUpdateRules#validateEphemeralContainersUpdate}).
 */
public final class EphemeralContainersSubresource implements Subresource {

    @Override
    public String name() {
        return "ephemeralcontainers";
    }

    @Override
    public List<String> verbs() {
        return List.of("get", "patch", "update");
    }

    @Override
    public ObjectNode get(Store store, String namespace, String name) {
        return store.get(namespace, name);
    }

    @Override
    public ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired) {
        return store.update(namespace, name, Store.UpdateScope.SUBRESOURCE, dryRun, old -> {
            ObjectNode wanted = desired.apply(old.deepCopy());
            ObjectNode updated = old.deepCopy();
            JsonNode ephemeral = wanted.path("spec").get("ephemeralContainers");
            ObjectNode spec = Json.obj(updated, "spec");
            if (ephemeral instanceof ArrayNode list && !list.isEmpty()) {
                list.forEach(c -> {
                    if (c instanceof ObjectNode container) {
                        PodStrategy.applyContainerDefaults(container);
                    }
                });
                spec.set("ephemeralContainers", list);
            } else {
                spec.remove("ephemeralContainers");
            }
            // the client's resourceVersion (if any) still guards against lost updates
            JsonNode rv = wanted.path("metadata").get("resourceVersion");
            if (rv != null) {
                Json.metadata(updated).set("resourceVersion", rv);
            }
            List<Cause> causes = PodUpdateRules.validateEphemeralContainersUpdate(updated, old);
            if (!causes.isEmpty()) {
                throw StatusError.invalid("", "Pod", name, causes);
            }
            return updated;
        });
    }
}
