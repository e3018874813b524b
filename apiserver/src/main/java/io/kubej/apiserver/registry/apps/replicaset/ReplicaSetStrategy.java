package io.kubej.apiserver.registry.apps.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import java.util.ArrayList;
import java.util.List;

/**
 * ReplicaSets (apps/v1, upstream {@code pkg/registry/apps/replicaset}): replicas default to 1,
 * the selector must match the template's labels (else the controller would create pods it
 * never counts), and the template gets the pod defaults.
 */
public final class ReplicaSetStrategy implements RESTStrategy {
    @Override
    public void prepareForCreate(ObjectNode rs) {
        applyDefaults(rs);
        rs.putObject("status").put("replicas", 0);
    }

    @Override
    public void prepareForUpdate(ObjectNode rs, ObjectNode old) {
        applyDefaults(rs);
    }

    private static void applyDefaults(ObjectNode rs) {
        WorkloadRules.replicasDefault(rs);
        WorkloadRules.templateDefaults(rs);
    }

    @Override
    public List<Cause> validate(ObjectNode rs) {
        return WorkloadRules.validateTemplateAndSelector(rs);
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode rs, ObjectNode old) {
        return Validation.immutableFields(rs, old, "spec.selector");
    }

    /** A metav1.LabelSelector as the query-string form ("a=b,c in (d)"). */
    public static String selectorString(JsonNode selector) {
        List<String> terms = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> terms.add(e.getKey() + "=" + e.getValue().asText()));
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            switch (expr.path("operator").asText()) {
                case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> terms.add(key);
                case "DoesNotExist" -> terms.add("!" + key);
                default -> { }
            }
        }
        return String.join(",", terms);
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the replica set"),
                Column.of("Desired", "integer", "Wanted replicas"),
                Column.of("Current", "integer", "Observed replicas"),
                Column.of("Ready", "integer", "Ready replicas"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Containers", "string", "Container names of the template"),
                Column.wide("Images", "string", "Images of the template"),
                Column.wide("Selector", "string", "Label selector of the pods")), (rs, now) -> {
                    List<String> names = new ArrayList<>();
                    List<String> images = new ArrayList<>();
                    for (JsonNode c : rs.path("spec").path("template").path("spec").path("containers")) {
                        names.add(c.path("name").asText());
                        images.add(c.path("image").asText());
                    }
                    String sel = selectorString(rs.path("spec").path("selector"));
                    return List.of(TableConvertor.name(rs), rs.path("spec").path("replicas").asLong(1),
                            rs.path("status").path("replicas").asLong(0), rs.path("status").path("readyReplicas").asLong(0),
                            TableConvertor.age(rs, now), String.join(",", names), String.join(",", images),
                            sel.isEmpty() ? "<none>" : sel);
                });
    }
}
