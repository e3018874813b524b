package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Server-side field validation ({@code ?fieldValidation=Strict}, KEP-2885), which kubectl asks
 * for by default: a field the schema does not know (a typo such as {@code contaners}) is a
 * 400 BadRequest instead of being silently dropped.
 *
 * <p>kubej has no OpenAPI schema of its own; it borrows the typed models of the fabric8 client.
 * Decoding into them parks every unknown field in the model's {@code additionalProperties},
 * so walking the decoded object and collecting those gives exactly the unknown field paths.
 */
final class FieldValidation {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("Pod", io.fabric8.kubernetes.api.model.Pod.class),
            Map.entry("Node", io.fabric8.kubernetes.api.model.Node.class),
            Map.entry("Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("Endpoints", io.fabric8.kubernetes.api.model.Endpoints.class),
            Map.entry("Event", io.fabric8.kubernetes.api.model.Event.class),
            Map.entry("ReplicaSet", io.fabric8.kubernetes.api.model.apps.ReplicaSet.class),
            Map.entry("Lease", io.fabric8.kubernetes.api.model.coordination.v1.Lease.class),
            Map.entry("ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class));

    private FieldValidation() {
    }

    static void strict(ObjectNode body, Resource r) {
        Class<?> model = MODELS.get(r.kind());
        if (model == null) {
            return;
        }
        Object typed;
        try {
            typed = MAPPER.convertValue(body, model);
        } catch (IllegalArgumentException e) {
            throw StatusError.badRequest(r.kind() + " in version \"" + r.version() + "\" cannot be handled as a "
                    + r.kind() + ": " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(typed, "", unknown);
        if (!unknown.isEmpty()) {
            List<String> quoted = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
            throw StatusError.badRequest(r.kind() + " in version \"" + r.version() + "\" cannot be handled as a "
                    + r.kind() + ": strict decoding error: " + String.join(", ", quoted));
        }
    }

    /** Walks a decoded model; records "spec.containers[0].imagee" for each parked unknown field. */
    private static void collectUnknown(Object value, String path, List<String> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return; // strings, numbers, maps of labels: nothing typed below
        }
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
        for (BeanPropertyDefinition p : bean.findProperties()) {
            AnnotatedMember getter = p.getAccessor();
            if (getter == null) {
                continue;
            }
            Object child = getter.getValue(value);
            if (p.getName().equals("additionalProperties") && child instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> out.add(path.isEmpty() ? k.toString() : path + "." + k));
            } else if (child instanceof Map<?, ?> map) {
                map.forEach((k, v) -> collectUnknown(v, path + "." + k, out));
            } else {
                collectUnknown(child, path.isEmpty() ? p.getName() : path + "." + p.getName(), out);
            }
        }
        // fabric8 exposes the extras through @JsonAnyGetter, which findProperties skips
        try {
            Object extra = value.getClass().getMethod("getAdditionalProperties").invoke(value);
            if (extra instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> out.add(path.isEmpty() ? k.toString() : path + "." + k));
            }
        } catch (ReflectiveOperationException e) {
            // not every model type has additionalProperties
        }
    }
}
