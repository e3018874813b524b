package io.kubej.apiserver.registry.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes (upstream {@code pkg/registry/core/node}): cluster-scoped, registered by each kubelet,
 * which then reports readiness through {@code nodes/status}. Stored under {@code minions}, the
 * historic name upstream still uses in etcd.
 */
public final class NodeStrategy implements RESTStrategy {
    @Override
    public List<Cause> validate(ObjectNode node) {
        return List.of();
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the node"),
                Column.of("Status", "string", "Ready condition, and whether scheduling is disabled"),
                Column.of("Roles", "string", "node-role.kubernetes.io labels"),
                Column.of("Age", "string", "Time since creation"),
                Column.of("Version", "string", "Kubelet version"),
                Column.wide("Internal-IP", "string", "InternalIP address"),
                Column.wide("External-IP", "string", "ExternalIP address"),
                Column.wide("OS-Image", "string", "Operating system image"),
                Column.wide("Kernel-Version", "string", "Kernel version"),
                Column.wide("Container-Runtime", "string", "Container runtime and version")), (n, now) -> {
                    String status = "Unknown";
                    for (JsonNode c : n.path("status").path("conditions")) {
                        if (c.path("type").asText().equals("Ready")) {
                            status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
                        }
                    }
                    if (n.path("spec").path("unschedulable").asBoolean(false)) {
                        status += ",SchedulingDisabled";
                    }
                    List<String> roles = new ArrayList<>();
                    n.path("metadata").path("labels").fieldNames().forEachRemaining(k -> {
                        if (k.startsWith("node-role.kubernetes.io/")) {
                            roles.add(k.substring("node-role.kubernetes.io/".length()));
                        }
                    });
                    JsonNode info = n.path("status").path("nodeInfo");
                    List<Object> cells = new ArrayList<>();
                    cells.add(TableConvertor.name(n));
                    cells.add(status);
                    cells.add(roles.isEmpty() ? "<none>" : String.join(",", roles));
                    cells.add(TableConvertor.age(n, now));
                    cells.add(info.path("kubeletVersion").asText(""));
                    cells.add(address(n, "InternalIP"));
                    cells.add(address(n, "ExternalIP"));
                    cells.add(info.path("osImage").asText("<unknown>"));
                    cells.add(info.path("kernelVersion").asText("<unknown>"));
                    cells.add(info.path("containerRuntimeVersion").asText("<unknown>"));
                    return cells;
                });
    }

    private static String address(ObjectNode n, String type) {
        for (JsonNode a : n.path("status").path("addresses")) {
            if (a.path("type").asText().equals(type)) {
                return a.path("address").asText();
            }
        }
        return "<none>";
    }
}
