package io.kubej.apiserver.registry.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Conversion;

/**
 * autoscaling/v1 HorizontalPodAutoscalers, stored as autoscaling/v2 (upstream's storage
 * version), so {@code kubectl autoscale} (which writes v1) and v2 clients see the same objects.
 * v1 knows one metric, the average CPU utilisation; what v2 has beyond it (other metrics,
 * behavior, conditions, current metrics) rides along in v1 as the annotations upstream uses,
 * so a v1 client's update never loses a v2 field.
 */
final class HorizontalPodAutoscalerV1 {
    static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";

    private HorizontalPodAutoscalerV1() {
    }

    /** What {@code kubectl autoscale} sends (upstream autoscaling/v1 generated.proto): metadata and spec. */
    static final io.kubej.apiserver.api.ProtoMessage PROTO = io.kubej.apiserver.api.ProtoMessage.of().objectMeta()
            .message(2, "spec", io.kubej.apiserver.api.ProtoMessage.of()
                    .message(1, "scaleTargetRef", io.kubej.apiserver.api.ProtoMessage.of().string(1, "kind").string(2, "name").string(3, "apiVersion"))
                    .int32(2, "minReplicas").keepZero().int32(3, "maxReplicas").int32(4, "targetCPUUtilizationPercentage").keepZero());

    static final Conversion TO_V2 = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode v1) {
            ObjectNode v2 = v1.deepCopy();
            v2.put("apiVersion", "autoscaling/v2");
            ObjectNode annotations = v2.path("metadata").path("annotations") instanceof ObjectNode a ? a : null;
            ObjectNode spec = Json.obj(v2, "spec");
            ArrayNode metrics = Json.MAPPER.createArrayNode();
            JsonNode cpu = spec.remove("targetCPUUtilizationPercentage");
            if (cpu != null && !cpu.isNull()) {
                ObjectNode m = metrics.addObject().put("type", "Resource");
                m.putObject("resource").put("name", "cpu").putObject("target").put("type", "Utilization").put("averageUtilization", cpu.asInt());
            }
            restoreList(annotations, METRICS, metrics);
            if (!metrics.isEmpty()) {
                spec.set("metrics", metrics);
            }
            JsonNode behavior = take(annotations, BEHAVIOR);
            if (behavior != null) {
                spec.set("behavior", behavior);
            }
            if (v2.has("status")) {
                ObjectNode status = (ObjectNode) v2.get("status");
                ArrayNode current = Json.MAPPER.createArrayNode();
                JsonNode currentCpu = status.remove("currentCPUUtilizationPercentage");
                if (currentCpu != null && !currentCpu.isNull()) {
                    ObjectNode m = current.addObject().put("type", "Resource");
                    m.putObject("resource").put("name", "cpu").putObject("current").put("averageUtilization", currentCpu.asInt());
                }
                restoreList(annotations, CURRENT_METRICS, current);
                if (!current.isEmpty()) {
                    status.set("currentMetrics", current);
                }
                JsonNode conditions = take(annotations, CONDITIONS);
                if (conditions != null) {
                    status.set("conditions", conditions);
                }
            } else {
                take(annotations, CURRENT_METRICS);
                take(annotations, CONDITIONS);
            }
            if (annotations != null && annotations.isEmpty()) {
                ((ObjectNode) v2.get("metadata")).remove("annotations");
            }
            return v2;
        }

        @Override
        public ObjectNode fromStorage(ObjectNode v2) {
            ObjectNode v1 = v2.deepCopy();
            v1.put("apiVersion", "autoscaling/v1");
            ObjectNode spec = Json.obj(v1, "spec");
            ArrayNode others = Json.MAPPER.createArrayNode();
            JsonNode metrics = spec.remove("metrics");
            if (metrics != null) {
                for (JsonNode m : metrics) {
                    if (isCpuUtilization(m, "target") && !spec.has("targetCPUUtilizationPercentage")) {
                        spec.put("targetCPUUtilizationPercentage", m.path("resource").path("target").path("averageUtilization").asInt());
                    } else {
                        others.add(m);
                    }
                }
            }
            stash(v1, METRICS, others.isEmpty() ? null : others);
            stash(v1, BEHAVIOR, spec.remove("behavior"));
            if (v1.has("status")) {
                ObjectNode status = (ObjectNode) v1.get("status");
                ArrayNode otherCurrent = Json.MAPPER.createArrayNode();
                JsonNode current = status.remove("currentMetrics");
                if (current != null) {
                    for (JsonNode m : current) {
                        if (isCpuUtilization(m, "current") && !status.has("currentCPUUtilizationPercentage")) {
                            status.put("currentCPUUtilizationPercentage", m.path("resource").path("current").path("averageUtilization").asInt());
                        } else {
                            otherCurrent.add(m);
                        }
                    }
                }
                stash(v1, CURRENT_METRICS, otherCurrent.isEmpty() ? null : otherCurrent);
                stash(v1, CONDITIONS, status.remove("conditions"));
            }
            return v1;
        }
    };

    private static boolean isCpuUtilization(JsonNode m, String field) {
        return m.path("type").asText().equals("Resource") && m.path("resource").path("name").asText().equals("cpu")
                && m.path("resource").path(field).has("averageUtilization")
                && (field.equals("current") || m.path("resource").path("target").path("type").asText().equals("Utilization"));
    }

    private static void stash(ObjectNode v1, String annotation, JsonNode value) {
        if (value == null || value.isNull() || value.isEmpty()) {
            return;
        }
        Json.obj(Json.metadata(v1), "annotations").put(annotation, Json.MAPPER.valueToTree(value).toString());
    }

    private static JsonNode take(ObjectNode annotations, String annotation) {
        if (annotations == null || !annotations.has(annotation)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(annotations.remove(annotation).asText());
        } catch (java.io.IOException e) {
            return null; // not ours to interpret: dropped, as upstream drops an unparsable one
        }
    }

    private static void restoreList(ObjectNode annotations, String annotation, ArrayNode into) {
        JsonNode list = take(annotations, annotation);
        if (list != null && list.isArray()) {
            list.forEach(into::add);
        }
    }
}
