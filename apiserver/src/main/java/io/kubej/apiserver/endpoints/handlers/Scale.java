package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.generic.Store;

/**
 * The {@code /scale} subresource (autoscaling/v1 Scale): a small view of spec.replicas that
 * {@code kubectl scale} and autoscalers read and write without knowing the owning kind.
 */
final class Scale {
    private Scale() {
    }

    static void handle(ApiRequest req, RequestInfo info, Store store, ResponseWriter out) {
        String ns = info.namespace();
        String name = info.name();
        switch (info.verb()) {
            case "get" -> ResourceHandler.writeObject(out, 200, toScale(store.get(ns, name)));
            case "update", "patch" -> {
                ObjectNode updated = store.update(ns, name, null, ResourceHandler.dryRun(req, "UpdateOptions"), rs -> {
                    ObjectNode scale = toScale(rs);
                    ObjectNode desired = info.verb().equals("update") ? Json.parse(req.body())
                            : Patcher.apply(scale, req.body(), req.header("content-type"));
                    String wantedRv = desired.path("metadata").path("resourceVersion").asText("");
                    Json.metadata(rs).put("resourceVersion", wantedRv);
                    if (wantedRv.isEmpty()) {
                        Json.metadata(rs).remove("resourceVersion");
                    }
                    int replicas = desired.path("spec").path("replicas").asInt(0);
                    Json.obj(rs, "spec").put("replicas", replicas);
                    return rs;
                });
                ResourceHandler.writeObject(out, 200, toScale(updated));
            }
            default -> throw StatusError.methodNotSupported("scale", info.verb());
        }
    }

    static ObjectNode toScale(ObjectNode rs) {
        ObjectNode s = Json.object();
        s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode meta = s.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (rs.path("metadata").has(f)) {
                meta.set(f, rs.path("metadata").get(f));
            }
        }
        s.putObject("spec").put("replicas", rs.path("spec").path("replicas").asInt(0));
        s.putObject("status").put("replicas", rs.path("status").path("replicas").asInt(0))
                .put("selector", ResourceHandler.selectorOf(rs));
        return s;
    }
}
