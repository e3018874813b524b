package io.kubej.apiserver.registry.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.core.pod.PodStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * What every workload kind with a pod template checks (upstream {@code apps/validation}'s
 * shared parts): a selector is required and must match the template's labels (else the
 * controller would create pods it never counts), the template is a valid pod spec with the
 * pod defaults, and the selector never changes after creation.
 */
public final class WorkloadRules {
    private WorkloadRules() {
    }

    /** Pod defaults inside {@code spec.template.spec}. */
    public static void templateDefaults(ObjectNode workload) {
        JsonNode podSpec = workload.path("spec").path("template").get("spec");
        if (podSpec instanceof ObjectNode ps) {
            PodStrategy.applyPodSpecDefaults(ps);
        }
    }

    public static void replicasDefault(ObjectNode workload) {
        ObjectNode spec = Json.obj(workload, "spec");
        if (!spec.hasNonNull("replicas")) {
            spec.put("replicas", 1);
        }
    }

    public static void putIfAbsent(ObjectNode o, String field, Object value) {
        if (!o.hasNonNull(field)) {
            o.set(field, Json.MAPPER.valueToTree(value));
        }
    }

    /** Selector present and matching the template, non-negative replicas, valid pod template. */
    public static List<Cause> validateTemplateAndSelector(ObjectNode workload) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = workload.path("spec");
        if (spec.has("replicas") && spec.path("replicas").asInt(0) < 0) {
            causes.add(Validation.invalid("spec.replicas", spec.path("replicas").asInt(), "must be greater than or equal to 0"));
        }
        JsonNode selector = spec.path("selector");
        if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
            causes.add(Validation.required("spec.selector"));
        } else {
            JsonNode labels = spec.path("template").path("metadata").path("labels");
            if (!LabelSelector.parse(ReplicaSetStrategy.selectorString(selector)).matches(labels)) {
                causes.add(Validation.invalid("spec.template.metadata.labels", labels.toString().replace("\"", ""),
                        "`selector` does not match template `labels`"));
            }
        }
        causes.addAll(Validation.validatePodSpec(spec.path("template").get("spec"), "spec.template.spec"));
        return causes;
    }

    /** A template whose pods must restart forever (Deployments, StatefulSets, DaemonSets). */
    public static List<Cause> restartAlways(ObjectNode workload) {
        String policy = workload.path("spec").path("template").path("spec").path("restartPolicy").asText("Always");
        return policy.equals("Always") ? List.of()
                : List.of(Validation.notSupported("spec.template.spec.restartPolicy", policy, List.of("Always")));
    }

    /** Comma-joined container names and images of the template, for the wide table columns. */
    public static String containers(ObjectNode workload, String field, String templatePath) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : workload.at(templatePath + "/spec/containers")) {
            out.add(c.path(field).asText());
        }
        return String.join(",", out);
    }

    public static String selector(ObjectNode workload) {
        String s = ReplicaSetStrategy.selectorString(workload.path("spec").path("selector"));
        return s.isEmpty() ? "<none>" : s;
    }
}
