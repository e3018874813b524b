package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field validation shared by the strategies (upstream apimachinery {@code util/validation} and
 * {@code api/validation}): name formats and required fields, reported as 422 causes with the
 * field path, as kubectl prints them.
 */
public final class Validation {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    /** Which name rule a resource's metadata.name follows. */
    public enum NameRule { DNS1123_SUBDOMAIN, DNS1123_LABEL, DNS1035_LABEL, PATH_SEGMENT }

    private Validation() {
    }

    public static Cause required(String field) {
        return new Cause("FieldValueRequired", field, "Required value");
    }

    /** Upstream prints a string value quoted and a number or boolean as it is. */
    public static Cause invalid(String field, Object value, String detail) {
        return new Cause("FieldValueInvalid", field, "Invalid value: " + printed(value) + ": " + detail);
    }

    private static String printed(Object value) {
        return value instanceof Number || value instanceof Boolean ? value.toString() : "\"" + value + "\"";
    }

    /** A change to a field that may only be set at creation (upstream {@code ValidateImmutableField}). */
    public static Cause immutable(String field, Object value) {
        return invalid(field, value, "field is immutable");
    }

    /** A cause for each dotted path whose value differs between the new and the old object. */
    public static List<Cause> immutableFields(ObjectNode now, ObjectNode old, String... paths) {
        List<Cause> causes = new ArrayList<>();
        for (String path : paths) {
            String pointer = "/" + path.replace('.', '/');
            JsonNode a = now.at(pointer);
            JsonNode b = old.at(pointer);
            if (!a.equals(b)) {
                causes.add(immutable(path, a.isMissingNode() ? "null" : a.isValueNode() ? a.asText() : a.toString()));
            }
        }
        return causes;
    }

    /** A required field: a missing or empty value is one cause. */
    public static List<Cause> requireField(ObjectNode object, String path) {
        JsonNode v = object.at("/" + path.replace('.', '/'));
        return v.isMissingNode() || v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty())
                ? List.of(required(path)) : List.of();
    }

    /** A field restricted to a few values; absent is fine. */
    public static List<Cause> oneOf(ObjectNode object, String path, List<String> allowed) {
        JsonNode v = object.at("/" + path.replace('.', '/'));
        return v.isMissingNode() || allowed.contains(v.asText()) ? List.of() : List.of(notSupported(path, v.asText(), allowed));
    }

    public static Cause forbidden(String field, String detail) {
        return new Cause("FieldValueForbidden", field, "Forbidden: " + detail);
    }

    /** A reference to something that does not exist (upstream {@code field.NotFound}). */
    public static Cause notFound(String field, Object value) {
        return new Cause("FieldValueNotFound", field, "Not found: " + printed(value));
    }

    public static Cause duplicate(String field, Object value) {
        return new Cause("FieldValueDuplicate", field, "Duplicate value: " + printed(value));
    }

    public static Cause notSupported(String field, Object value, List<String> allowed) {
        return new Cause("FieldValueNotSupported", field,
                "Unsupported value: \"" + value + "\": supported values: \"" + String.join("\", \"", allowed) + "\"");
    }

    /**
     * The object's metadata as upstream's ValidateObjectMeta checks it here: the name by
     * {@code rule}, then the labels' keys and values.
     */
    public static List<Cause> validateObjectMeta(ObjectNode object, NameRule rule) {
        List<Cause> causes = new ArrayList<>(validateName(object, rule));
        causes.addAll(validateLabels(object.path("metadata").get("labels"), "metadata.labels"));
        causes.addAll(validateAnnotations(object.path("metadata").get("annotations"), "metadata.annotations"));
        return causes;
    }

    /** The largest total size of an object's annotations, keys and values (upstream's TotalAnnotationSizeLimitB). */
    static final int ANNOTATIONS_LIMIT = 256 * 1024;
    private static final Pattern QUALIFIED_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    /**
     * Why a label or annotation key is not a qualified name, or null: an optional prefix (a
     * DNS subdomain, at most 253 characters) and "/", then a name of at most 63 alphanumerics,
     * '-', '_' and '.', starting and ending alphanumeric ({@code app.kubernetes.io/name}).
     */
    public static String qualifiedNameProblem(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
                return "prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters (e.g. 'example.com')";
            }
        }
        if (name.isEmpty()) {
            return "name part must be non-empty";
        }
        if (name.length() > 63) {
            return "name part must be no more than 63 characters";
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                    + "alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')";
        }
        return null;
    }

    /** Annotation keys are qualified names; all of them together stay under 256 KiB. */
    public static List<Cause> validateAnnotations(JsonNode annotations, String field) {
        List<Cause> causes = new ArrayList<>();
        if (annotations == null || !annotations.isObject()) {
            return causes;
        }
        long[] size = {0};
        annotations.fields().forEachRemaining(e -> {
            String problem = qualifiedNameProblem(e.getKey());
            if (problem != null) {
                causes.add(invalid(field, e.getKey(), problem));
            }
            size[0] += e.getKey().length() + e.getValue().asText().length();
        });
        if (size[0] > ANNOTATIONS_LIMIT) {
            causes.add(new Cause("FieldValueTooLong", field, "Too long: must have at most " + ANNOTATIONS_LIMIT + " bytes"));
        }
        return causes;
    }

    /** Errors in metadata.name for a resource whose names follow rule. */
    public static List<Cause> validateName(ObjectNode object, NameRule rule) {
        List<Cause> causes = new ArrayList<>();
        String name = object.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            causes.add(new Cause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            return causes;
        }
        String problem = nameProblem(name, rule);
        if (problem != null) {
            causes.add(invalid("metadata.name", name, problem));
        }
        return causes;
    }

    /** Why name breaks rule, in kubej's words, or null if it is fine. */
    public static String nameProblem(String name, NameRule rule) {
        return switch (rule) {
            case DNS1123_LABEL -> name.length() <= 63 && DNS1123_LABEL.matcher(name).matches() ? null
                    : "a lowercase RFC 1123 label must be at most 63 characters of lower case letters, digits and '-', "
                    + "starting and ending with a letter or digit (e.g. 'my-name' or '123-abc')";
            case DNS1035_LABEL -> name.length() <= 63 && DNS1035_LABEL.matcher(name).matches() ? null
                    : "a DNS-1035 label must be at most 63 characters of lower case letters, digits and '-', "
                    + "starting with a letter and ending with a letter or digit (e.g. 'my-name' or 'abc-123')";
            case DNS1123_SUBDOMAIN -> name.length() <= 253 && DNS1123_SUBDOMAIN.matcher(name).matches() ? null
                    : "a lowercase RFC 1123 subdomain must be at most 253 characters of lower case letters, digits, '-' and '.', "
                    + "starting and ending with a letter or digit (e.g. 'example.com')";
            case PATH_SEGMENT -> name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")
                    ? "may not be '.', '..' or contain '/' or '%'" : null;
        };
    }

    /** Errors in labels: keys and values of the usual label syntax. */
    public static List<Cause> validateLabels(JsonNode labels, String field) {
        List<Cause> causes = new ArrayList<>();
        if (labels == null || !labels.isObject()) {
            return causes;
        }
        labels.fields().forEachRemaining(e -> {
            String keyProblem = qualifiedNameProblem(e.getKey());
            if (keyProblem != null) {
                causes.add(invalid(field, e.getKey(), keyProblem));
            }
            String v = e.getValue().asText();
            if (v.length() > 63 || !(v.isEmpty() || v.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"))) {
                causes.add(invalid(field, v, "a valid label must be an empty string or consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
            }
        });
        return causes;
    }

    /** Errors in a pod spec (shared by pods and the templates of replicasets). */
    public static List<Cause> validatePodSpec(JsonNode spec, String field) {
        List<Cause> causes = new ArrayList<>();
        JsonNode containers = spec == null ? null : spec.get("containers");
        if (containers == null || !containers.isArray() || containers.isEmpty()) {
            causes.add(required(field + ".containers"));
            return causes;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String f = field + ".containers[" + i + "]";
            String name = c.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(required(f + ".name"));
            } else if (nameProblem(name, NameRule.DNS1123_LABEL) != null) {
                causes.add(invalid(f + ".name", name, nameProblem(name, NameRule.DNS1123_LABEL)));
            } else if (!names.add(name)) {
                causes.add(new Cause("FieldValueDuplicate", f + ".name", "Duplicate value: \"" + name + "\""));
            }
            if (c.path("image").asText("").isBlank()) {
                causes.add(required(f + ".image"));
            }
            JsonNode ports = c.get("ports");
            if (ports != null) {
                for (int p = 0; p < ports.size(); p++) {
                    int port = ports.get(p).path("containerPort").asInt(0);
                    if (port < 1 || port > 65535) {
                        causes.add(invalid(f + ".ports[" + p + "].containerPort", port, "must be between 1 and 65535, inclusive"));
                    }
                }
            }
        }
        String restart = spec.path("restartPolicy").asText("Always");
        if (!List.of("Always", "OnFailure", "Never").contains(restart)) {
            causes.add(notSupported(field + ".restartPolicy", restart, List.of("Always", "OnFailure", "Never")));
        }
        return causes;
    }
}
