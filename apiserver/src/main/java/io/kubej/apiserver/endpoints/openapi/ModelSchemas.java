package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.PatchMeta;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI schema of each Java model class (upstream generates these from the Go types with
 * kube-openapi's {@code openapi-gen}; kubej reads the fabric8 model classes its registry names):
 * Jackson's introspection gives each property's JSON name and type, and every model class
 * becomes one definition, named as upstream names the Go type
 * ({@code io.k8s.api.apps.v1.Deployment}, {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}),
 * referenced from the properties that use it.
 *
 * <p>Types: strings, {@code integer} int32/int64, {@code boolean}, {@code number} double,
 * lists as {@code array} with {@code items}, maps as {@code object} with
 * {@code additionalProperties}; apimachinery's scalars keep their own definitions (IntOrString
 * {@code format: int-or-string}, Quantity, Time and MicroTime {@code format: date-time},
 * Duration); a class that has no properties of its own (FieldsV1) is a free-form object, one
 * that serializes itself (the JSON of CRD schemas) takes any value.
 *
 * <p>What Java types do not say comes from the Kubernetes Java client's models
 * ({@code io.kubernetes.client.openapi.models.V1Deployment} ...), generated from upstream's own
 * OpenAPI: the descriptions {@code kubectl explain} prints, which properties are required, and
 * which strings are times (fabric8 keeps a {@code metav1.Time} as a plain String).
 *
 * <p>Definitions are in the OpenAPI v2 form, refs {@code #/definitions/<name>}; {@link OpenApiV3}
 * rewrites them for v3. Not thread-safe: one instance builds one set of documents.
 */
public final class ModelSchemas {
    static final String REF = "#/definitions/";
    static final String TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    static final String MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";
    private static final String JAVA_CLIENT = "io.kubernetes.client.openapi.models.";

    /**
     * The types fabric8 keeps beside core/v1's in its base package that upstream has in
     * apimachinery's {@code meta/v1} (so they are named {@code io.k8s.apimachinery.pkg.apis.meta.v1.*}).
     */
    private static final Set<String> META_V1 = Set.of("ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement",
            "OwnerReference", "ManagedFieldsEntry", "FieldsV1", "Condition", "Status", "StatusDetails", "StatusCause",
            "DeleteOptions", "Preconditions", "MicroTime", "Duration", "Time", "WatchEvent", "Patch", "TypeMeta");

    private final Map<String, ObjectNode> definitions = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    /** Every definition made so far, by name (sorted, as upstream's documents are). */
    public Map<String, ObjectNode> definitions() {
        return definitions;
    }

    /** Defines the model class (and every class it uses) and returns its definition's name. */
    public String define(Class<?> model) {
        String known = names.get(model);
        if (known != null) {
            return known;
        }
        String name = upstreamName(model);
        names.put(model, name);
        ObjectNode schema = Json.object();
        definitions.put(name, schema);
        Docs docs = Docs.of(model);
        if (!docs.description().isEmpty()) {
            schema.put("description", docs.description());
        }
        JavaType type = Json.MAPPER.constructType(model);
        BeanDescription bean = Json.MAPPER.getSerializationConfig().introspect(type);
        Map<String, ObjectNode> properties = new TreeMap<>();
        for (BeanPropertyDefinition p : bean.findProperties()) {
            if (p.getName().equals("additionalProperties") || !p.couldSerialize()) {
                continue;
            }
            Docs.Property doc = docs.property(p.getName());
            ObjectNode property = doc.time() && p.getPrimaryType().getRawClass() == String.class ? ref(TIME)
                    : schemaOf(p.getPrimaryType());
            if (!doc.description().isEmpty()) {
                property.put("description", doc.description());
            }
            properties.put(p.getName(), property);
        }
        schema.put("type", "object");
        if (!properties.isEmpty()) {
            schema.putObject("properties").setAll(properties);
            List<String> required = docs.required().stream().filter(properties::containsKey).sorted().toList();
            if (!required.isEmpty()) {
                ArrayNode r = schema.putArray("required");
                required.forEach(r::add);
            }
        }
        return name;
    }

    /** The schema of a property of the given Java type. */
    private ObjectNode schemaOf(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == byte[].class) {
            return Json.object().put("type", "string").put("format", "byte");
        }
        if (t.isCollectionLikeType() || t.isArrayType()) {
            ObjectNode a = Json.object().put("type", "array");
            a.set("items", schemaOf(t.getContentType()));
            return a;
        }
        if (t.isMapLikeType()) {
            ObjectNode m = Json.object().put("type", "object");
            m.set("additionalProperties", schemaOf(t.getContentType()));
            return m;
        }
        if (raw == String.class || raw == Character.class || raw == char.class) {
            return Json.object().put("type", "string");
        }
        if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
            return Json.object().put("type", "integer").put("format", "int32");
        }
        if (raw == Long.class || raw == long.class) {
            return Json.object().put("type", "integer").put("format", "int64");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return Json.object().put("type", "boolean");
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
            return Json.object().put("type", "number").put("format", "double");
        }
        if (Number.class.isAssignableFrom(raw)) {
            return Json.object().put("type", "number");
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(raw)) {
            return ref(MICRO_TIME); // fabric8's Lease times
        }
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || !raw.getName().startsWith(FABRIC8)
                || raw.isInterface() || java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
            return anyValue(); // an interface such as HasMetadata: whatever object implements it
        }
        if (serializesItself(raw)) {
            return scalar(raw);
        }
        return ref(define(raw));
    }

    /**
     * A class with its own serializer is one JSON value, not an object of its properties:
     * apimachinery's scalars get their definitions, anything else (a CRD schema's JSON) any value.
     */
    private ObjectNode scalar(Class<?> c) {
        String simple = c.getSimpleName();
        ObjectNode s = switch (simple) {
            case "IntOrString" -> Json.object().put("type", "string").put("format", "int-or-string");
            case "Quantity", "Duration" -> Json.object().put("type", "string");
            case "MicroTime" -> Json.object().put("type", "string").put("format", "date-time");
            default -> null;
        };
        if (s == null) {
            return anyValue();
        }
        String name = upstreamName(c);
        if (!definitions.containsKey(name)) {
            String description = Docs.of(c).description();
            if (!description.isEmpty()) {
                s.put("description", description);
            }
            definitions.put(name, s);
        }
        return ref(name);
    }

    /**
     * Any JSON value. Never an empty schema: kubectl explain's template takes an empty object
     * for no schema at all and fails.
     */
    private static ObjectNode anyValue() {
        return Json.object().put("x-kubernetes-preserve-unknown-fields", true);
    }

    private void defineTime() {
        definitions.computeIfAbsent(TIME, n -> Json.object()
                .put("description", "A point in time (metav1.Time), written as RFC 3339 in UTC, to the second.")
                .put("type", "string").put("format", "date-time"));
    }

    private ObjectNode ref(String name) {
        if (name.equals(TIME)) {
            defineTime();
        } else if (name.equals(MICRO_TIME)) {
            definitions.computeIfAbsent(MICRO_TIME, n -> Json.object()
                    .put("description", "A point in time with microseconds (metav1.MicroTime), written as RFC 3339.")
                    .put("type", "string").put("format", "date-time"));
        }
        return Json.object().put("$ref", REF + name);
    }

    private static boolean serializesItself(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            JsonSerialize s = k.getAnnotation(JsonSerialize.class);
            if (s != null && s.using() != com.fasterxml.jackson.databind.JsonSerializer.None.class) {
                return true;
            }
        }
        return false;
    }

    /**
     * Upstream's definition name of a fabric8 class: fabric8's package names the group (and the
     * version, where the group has several; else v1), upstream's names the Go package.
     */
    static String upstreamName(Class<?> c) {
        String pkg = c.getPackageName();
        String simple = c.getSimpleName();
        switch (simple) {
            case "IntOrString":
                return INT_OR_STRING;
            case "Quantity":
                return QUANTITY;
            default:
                break;
        }
        if (pkg.equals(FABRIC8)) {
            return (META_V1.contains(simple) ? "io.k8s.apimachinery.pkg.apis.meta.v1." : "io.k8s.api.core.v1.") + simple;
        }
        if (!pkg.startsWith(FABRIC8 + ".")) {
            return pkg + "." + simple;
        }
        String[] rest = pkg.substring(FABRIC8.length() + 1).split("\\.");
        if (rest[0].equals("runtime")) {
            return "io.k8s.apimachinery.pkg.runtime." + simple;
        }
        String version = rest.length > 1 ? rest[1] : "v1";
        if (rest[0].equals("apiextensions")) {
            return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + simple;
        }
        return "io.k8s.api." + rest[0] + "." + version + "." + simple;
    }

    /**
     * The fabric8 model of a kind no registration names (a subresource's Scale, Binding,
     * Eviction): fabric8's packages follow the group's first name and, where the group has
     * several versions, the version ({@code autoscaling.v1.Scale}, {@code policy.v1.Eviction},
     * {@code Binding} for core), the inverse of {@link #upstreamName}. Null if there is none.
     */
    static Class<?> modelOf(String group, String version, String kind) {
        String segment = group.isEmpty() ? "" : "." + group.split("\\.")[0];
        List<String> candidates = group.isEmpty() ? List.of(FABRIC8 + "." + kind)
                : List.of(FABRIC8 + segment + "." + version + "." + kind, FABRIC8 + segment + "." + kind);
        for (String candidate : candidates) {
            try {
                Class<?> c = Class.forName(candidate, false, ModelSchemas.class.getClassLoader());
                if (upstreamName(c).endsWith("." + version + "." + kind)) {
                    return c;
                }
            } catch (ClassNotFoundException e) {
                // try the next
            }
        }
        return null;
    }

    /**
     * Marks the properties a kind's strategic-merge metadata names, on the definitions they are
     * in: a list merged by key gets {@code x-kubernetes-patch-strategy: merge} and
     * {@code x-kubernetes-patch-merge-key}, a list of strings merged as a set the strategy alone
     * (kubectl's client-side apply computes its patches from them).
     */
    public void markPatchStrategies(String definition, PatchMeta meta) {
        ObjectNode def = definitions.get(definition);
        if (def == null || meta == null) {
            return;
        }
        meta.children().forEach((field, child) -> {
            JsonNode property = def.path("properties").get(field);
            if (!(property instanceof ObjectNode p)) {
                return;
            }
            if (child.mergeKey() != null) {
                p.put("x-kubernetes-patch-merge-key", child.mergeKey()).put("x-kubernetes-patch-strategy", "merge");
            } else if (child.mergePrimitives()) {
                p.put("x-kubernetes-patch-strategy", "merge");
            }
            markListType(p, child);
            String below = p.path("items").path("$ref").asText(p.path("$ref").asText(""));
            if (below.startsWith(REF) && !child.children().isEmpty()) {
                markPatchStrategies(below.substring(REF.length()), child);
            }
        });
    }

    /**
     * Server-side apply's view of a field, as upstream publishes it: {@code x-kubernetes-list-type}
     * (with {@code x-kubernetes-list-map-keys}) on lists whose type the registry knows, and
     * {@code x-kubernetes-map-type: atomic} on maps and structs owned whole.
     */
    private static void markListType(ObjectNode property, PatchMeta meta) {
        if ("array".equals(property.path("type").asText()) && (meta.list() != null || meta.mergeKey() != null || meta.mergePrimitives())) {
            PatchMeta.ListSemantics list = meta.listSemantics();
            property.put("x-kubernetes-list-type", list.type().name().toLowerCase(java.util.Locale.ROOT));
            if (list.type() == PatchMeta.ListType.MAP) {
                ArrayNode keys = property.putArray("x-kubernetes-list-map-keys");
                list.keys().forEach(keys::add);
            }
        } else if (meta.atomic() && !"array".equals(property.path("type").asText())) {
            property.put("x-kubernetes-map-type", "atomic");
        }
    }

    /**
     * What the Kubernetes Java client's generated model of the same type says: the type's and
     * each property's description, the required properties, which properties are times.
     */
    record Docs(String description, Map<String, Property> properties, List<String> required) {
        static final Docs NONE = new Docs("", Map.of(), List.of());
        private static final Map<Class<?>, Docs> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        record Property(String description, boolean time) {
            static final Property NONE = new Property("", false);
        }

        Property property(String jsonName) {
            return properties.getOrDefault(jsonName, Property.NONE);
        }

        static Docs of(Class<?> fabric8) {
            return CACHE.computeIfAbsent(fabric8, Docs::read);
        }

        private static Docs read(Class<?> fabric8) {
            Class<?> model = counterpart(fabric8);
            if (model == null) {
                return NONE;
            }
            try {
                io.swagger.annotations.ApiModel type = model.getAnnotation(io.swagger.annotations.ApiModel.class);
                Map<String, Property> props = new HashMap<>();
                List<String> required = new ArrayList<>();
                for (Field f : model.getDeclaredFields()) {
                    com.google.gson.annotations.SerializedName json = f.getAnnotation(com.google.gson.annotations.SerializedName.class);
                    if (json == null || java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    Method getter = getter(model, f.getName().replaceFirst("^_+", ""));
                    io.swagger.annotations.ApiModelProperty doc = getter == null ? null
                            : getter.getAnnotation(io.swagger.annotations.ApiModelProperty.class);
                    props.put(json.value(), new Property(doc == null ? "" : doc.value(), f.getType() == java.time.OffsetDateTime.class));
                    if (doc != null && doc.required()) {
                        required.add(json.value());
                    }
                }
                return new Docs(type == null ? "" : type.description(), props, required);
            } catch (LinkageError | RuntimeException e) {
                return NONE;
            }
        }

        private static Method getter(Class<?> model, String field) {
            String cap = Character.toUpperCase(field.charAt(0)) + field.substring(1);
            for (String prefix : new String[] {"get", "is"}) {
                try {
                    return model.getMethod(prefix + cap);
                } catch (NoSuchMethodException e) {
                    // try the next
                }
            }
            return null;
        }

        /**
         * The Java client's model of the same Go type: {@code V1Deployment}, or where two groups
         * have a type of the same name, {@code CoreV1Event} / {@code EventsV1Event}.
         */
        static Class<?> counterpart(Class<?> fabric8) {
            String name = upstreamName(fabric8);
            String[] parts = name.split("\\.");
            if (parts.length < 3) {
                return null;
            }
            String version = parts[parts.length - 2];
            String group = parts[parts.length - 3];
            String v = Character.toUpperCase(version.charAt(0)) + version.substring(1);
            String g = group.isEmpty() ? "" : Character.toUpperCase(group.charAt(0)) + group.substring(1).toLowerCase(Locale.ROOT);
            for (String candidate : new String[] {g + v + fabric8.getSimpleName(), v + fabric8.getSimpleName()}) {
                try {
                    return Class.forName(JAVA_CLIENT + candidate, false, ModelSchemas.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // try the next
                }
            }
            return null;
        }
    }
}
