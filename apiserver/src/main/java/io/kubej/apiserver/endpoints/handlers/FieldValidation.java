package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Server-side field validation (KEP-2885). Built-in kinds are decoded into typed structs
 * upstream, so a field the schema does not know (a typo such as {@code contaners}) is dropped;
 * {@code fieldValidation=Strict} (kubectl's default) makes it a 400 BadRequest, {@code Warn}
 * (the server's default) a {@code Warning} header, {@code Ignore} silent.
 *
 * <p>kubej has no OpenAPI schema of its own; it borrows the typed model each registration names
 * (fabric8's). Decoding into it parks every unknown field in the model's
 * {@code additionalProperties}, so walking the decoded object and collecting those gives exactly
 * the unknown field paths, which are then reported or pruned from the JSON that is stored.
 * Custom resources have no model; their registration's {@code FieldSchema} (the CRD's
 * structural schema) names the unknown fields instead.
 */
final class FieldValidation {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()) // MicroTime fields (Lease, Event)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private FieldValidation() {
    }

    /** One unknown field: as messages print it ({@code spec.containers[0].imagee}) and as a JSON pointer. */
    record UnknownField(String path, String pointer) {
    }

    /**
     * The fields of body that r's model does not have; empty for kinds without a model (custom
     * resources are pruned by their schema instead). A body that does not decode at all (a
     * string where a number belongs) is a 400 whatever the validation mode.
     */
    static List<UnknownField> unknownFields(ObjectNode body, Resource r) {
        if (r.model() == null) {
            return r.fieldSchema() == null ? List.of()
                    : r.fieldSchema().unknownFields(body).stream().map(f -> new UnknownField(f.path(), f.pointer())).toList();
        }
        Object typed;
        try {
            typed = MAPPER.convertValue(body, r.model());
        } catch (IllegalArgumentException e) {
            String why = e.getCause() instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                    ? typeError(body, m) : e.getMessage().split("\n")[0];
            throw StatusError.badRequest(r.kind() + " in version \"" + r.version() + "\" cannot be handled as a "
                    + r.kind() + ": " + why);
        }
        List<UnknownField> unknown = new ArrayList<>();
        collectUnknown(typed, "", "", unknown);
        return unknown;
    }

    /**
     * A value of the wrong JSON type, in the words of Go's decoder upstream uses:
     * {@code json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32}
     * (the struct holding the field, the field's path without list indexes, the Go type wanted).
     */
    static String typeError(ObjectNode body, com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        List<String> fields = new ArrayList<>();
        String struct = null;
        JsonNode value = body;
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                fields.add(ref.getFieldName());
                value = value.path(ref.getFieldName());
                Object from = ref.getFrom();
                struct = from == null ? null : (from instanceof Class<?> c ? c : from.getClass()).getSimpleName();
            } else {
                value = value.path(ref.getIndex());
            }
        }
        if (struct == null || e.getTargetType() == null) {
            return e.getOriginalMessage();
        }
        String actual = value.isTextual() ? "string" : value.isNumber() ? "number" : value.isBoolean() ? "bool"
                : value.isArray() ? "array" : value.isObject() ? "object" : "null";
        return "json: cannot unmarshal " + actual + " into Go struct field " + struct + "." + String.join(".", fields)
                + " of type " + goType(e.getTargetType());
    }

    private static String goType(Class<?> t) {
        if (t == Integer.class || t == int.class) {
            return "int32";
        }
        if (t == Long.class || t == long.class) {
            return "int64";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "bool";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return "float64";
        }
        if (t == String.class) {
            return "string";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "[]interface {}";
        }
        if (Map.class.isAssignableFrom(t)) {
            return "map[string]string";
        }
        return "v1." + t.getSimpleName();
    }

    /** The 400 of {@code fieldValidation=Strict}. */
    static StatusError strictError(Resource r, List<String> problems) {
        return StatusError.badRequest(r.kind() + " in version \"" + r.version() + "\" cannot be handled as a "
                + r.kind() + ": strict decoding error: " + String.join(", ", problems));
    }

    /** Removes the unknown fields, so what is stored is what the schema knows (upstream drops them while decoding). */
    static void prune(ObjectNode body, List<UnknownField> unknown) {
        for (UnknownField f : unknown) {
            int cut = f.pointer().lastIndexOf('/');
            JsonNode parent = body.at(f.pointer().substring(0, cut));
            if (parent instanceof ObjectNode o) {
                o.remove(f.pointer().substring(cut + 1).replace("~1", "/").replace("~0", "~"));
            }
        }
    }

    private static String escape(Object key) {
        return key.toString().replace("~", "~0").replace("/", "~1");
    }

    /** A model class's properties and its additionalProperties getter, introspected once per class (it is the costly part). */
    private record ModelInfo(List<BeanPropertyDefinition> properties, java.lang.reflect.Method additional) {
    }

    private static final ClassValue<ModelInfo> MODELS = new ClassValue<>() {
        @Override
        protected ModelInfo computeValue(Class<?> type) {
            BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
            List<BeanPropertyDefinition> props = bean.findProperties().stream()
                    .filter(p -> p.getAccessor() != null && !p.getName().equals("additionalProperties")).toList();
            java.lang.reflect.Method additional;
            try {
                additional = type.getMethod("getAdditionalProperties");
            } catch (NoSuchMethodException e) {
                additional = null; // not every model type has additionalProperties
            }
            return new ModelInfo(props, additional);
        }
    };

    /** Walks a decoded model; records "spec.containers[0].imagee" for each parked unknown field. */
    private static void collectUnknown(Object value, String path, String pointer, List<UnknownField> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i + "]", pointer + "/" + i, out);
                i++;
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return; // strings, numbers, maps of labels: nothing typed below
        }
        if (value instanceof io.fabric8.kubernetes.api.model.FieldsV1) {
            return; // a managedFields entry's fieldsV1 is free-form JSON (f:, k:, v: path elements), not typed fields
        }
        ModelInfo model = MODELS.get(value.getClass());
        for (BeanPropertyDefinition p : model.properties()) {
            Object child = p.getAccessor().getValue(value);
            if (child == null) {
                continue;
            }
            String childPath = path.isEmpty() ? p.getName() : path + "." + p.getName();
            String childPointer = pointer + "/" + escape(p.getName());
            if (child instanceof Map<?, ?> map) {
                map.forEach((k, v) -> collectUnknown(v, childPath + "." + k, childPointer + "/" + escape(k), out));
            } else {
                collectUnknown(child, childPath, childPointer, out);
            }
        }
        // fabric8 exposes the extras through @JsonAnyGetter, which findProperties skips
        if (model.additional() != null) {
            try {
                if (model.additional().invoke(value) instanceof Map<?, ?> m) {
                    m.keySet().forEach(k -> out.add(new UnknownField(path.isEmpty() ? k.toString() : path + "." + k, pointer + "/" + escape(k))));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
