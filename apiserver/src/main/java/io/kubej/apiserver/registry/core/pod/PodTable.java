package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.TableConvertor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code kubectl get pods}: the columns upstream's pod printer shows. */
public final class PodTable implements TableConvertor {
    @Override
    public List<Column> columns() {
        return List.of(
                Column.name("Name of the pod"),
                Column.of("Ready", "string", "Ready containers / all containers"),
                Column.of("Status", "string", "The pod's phase, or why it is not running"),
                Column.of("Restarts", "string", "Container restarts"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("IP", "string", "Pod IP"),
                Column.wide("Node", "string", "Node the pod is bound to"),
                Column.wide("Nominated Node", "string", "Node nominated by preemption"),
                Column.wide("Readiness Gates", "string", "Readiness gates passed / declared"));
    }

    @Override
    public List<Object> cells(ObjectNode pod, Instant now) {
        JsonNode status = pod.path("status");
        int total = pod.path("spec").path("containers").size();
        int ready = 0;
        long restarts = 0;
        String reason = status.path("reason").asText(status.path("phase").asText("Pending"));
        for (JsonNode cs : status.path("containerStatuses")) {
            if (cs.path("ready").asBoolean()) {
                ready++;
            }
            restarts += cs.path("restartCount").asLong();
            JsonNode waiting = cs.path("state").path("waiting");
            JsonNode terminated = cs.path("state").path("terminated");
            if (!waiting.path("reason").asText("").isEmpty()) {
                reason = waiting.path("reason").asText();
            } else if (!terminated.path("reason").asText("").isEmpty()) {
                reason = terminated.path("reason").asText();
            }
        }
        if (pod.path("metadata").has("deletionTimestamp")) {
            reason = "Terminating";
        }
        int gates = pod.path("spec").path("readinessGates").size();
        List<Object> cells = new ArrayList<>();
        cells.add(pod.path("metadata").path("name").asText());
        cells.add(ready + "/" + total);
        cells.add(reason);
        cells.add(Long.toString(restarts));
        cells.add(TableConvertor.age(pod, now));
        cells.add(status.path("podIP").asText("<none>"));
        cells.add(pod.path("spec").path("nodeName").asText("<none>"));
        cells.add(status.path("nominatedNodeName").asText("<none>"));
        cells.add(gates == 0 ? "<none>" : "0/" + gates);
        return cells;
    }
}
