package io.kubej.apiserver.registry.core.configmap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.List;

/**
 * ConfigMaps, Secrets and ServiceAccounts (upstream {@code pkg/registry/core/configmap},
 * {@code secret}, {@code serviceaccount}): plain objects without spec or status, which pods
 * reference by name. A Secret's type defaults to Opaque and decides which keys it must have;
 * its {@code stringData} is folded into {@code data} (base64) before it is stored. With
 * {@code immutable: true} a ConfigMap's or Secret's data can never change again.
 */
public final class ConfigStrategies {
    private static final java.util.regex.Pattern CONFIG_KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]+");

    /** The keys each built-in Secret type requires (upstream {@code ValidateSecret}); one of them where marked. */
    private static final java.util.Map<String, List<String>> REQUIRED_KEYS = java.util.Map.of(
            "kubernetes.io/dockercfg", List.of(".dockercfg"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
            "kubernetes.io/ssh-auth", List.of("ssh-privatekey"),
            "kubernetes.io/tls", List.of("tls.crt", "tls.key"));

    private ConfigStrategies() {
    }

    /** No status, optional defaulting. */
    public static RESTStrategy plain(java.util.function.Consumer<ObjectNode> defaults) {
        return new RESTStrategy() {
            @Override
            public boolean hasStatus() {
                return false;
            }

            @Override
            public void prepareForCreate(ObjectNode object) {
                defaults.accept(object);
            }

            @Override
            public void prepareForUpdate(ObjectNode object, ObjectNode old) {
                defaults.accept(object);
            }
        };
    }

    public static RESTStrategy configMap() {
        return new RESTStrategy() {
            @Override
            public boolean hasStatus() {
                return false;
            }

            @Override
            public List<Cause> validate(ObjectNode cm) {
                List<Cause> causes = new java.util.ArrayList<>(validateKeys(cm.path("data"), "data"));
                causes.addAll(validateKeys(cm.path("binaryData"), "binaryData"));
                cm.path("binaryData").fieldNames().forEachRemaining(k -> {
                    if (cm.path("data").has(k)) {
                        causes.add(Validation.invalid("data", k, "duplicate of key present in binaryData"));
                    }
                });
                return causes;
            }

            @Override
            public List<Cause> validateUpdate(ObjectNode cm, ObjectNode old) {
                return validateImmutable(cm, old, "data", "binaryData");
            }
        };
    }

    public static RESTStrategy secret() {
        return new RESTStrategy() {
            @Override
            public boolean hasStatus() {
                return false;
            }

            @Override
            public void prepareForCreate(ObjectNode s) {
                normalize(s);
            }

            @Override
            public void prepareForUpdate(ObjectNode s, ObjectNode old) {
                normalize(s);
            }

            @Override
            public List<Cause> validate(ObjectNode s) {
                List<Cause> causes = new java.util.ArrayList<>(validateKeys(s.path("data"), "data"));
                String type = s.path("type").asText();
                for (String key : REQUIRED_KEYS.getOrDefault(type, List.of())) {
                    if (!s.path("data").has(key)) {
                        causes.add(Validation.required("data[" + key + "]"));
                    }
                }
                if (type.equals("kubernetes.io/basic-auth") && !s.path("data").has("username") && !s.path("data").has("password")) {
                    causes.add(Validation.required("data[username]"));
                }
                if (type.equals("kubernetes.io/service-account-token")
                        && s.path("metadata").path("annotations").path("kubernetes.io/service-account.name").asText("").isEmpty()) {
                    causes.add(Validation.required("metadata.annotations[kubernetes.io/service-account.name]"));
                }
                return causes;
            }

            @Override
            public List<Cause> validateUpdate(ObjectNode s, ObjectNode old) {
                List<Cause> causes = new java.util.ArrayList<>(validateImmutable(s, old, "data"));
                if (!s.path("type").equals(old.path("type"))) {
                    causes.add(Validation.immutable("type", s.path("type").asText()));
                }
                return causes;
            }
        };
    }

    /** Type Opaque by default; stringData (write-only, for convenience) merged into data as base64. */
    private static void normalize(ObjectNode s) {
        if (s.path("type").asText("").isEmpty()) {
            s.put("type", "Opaque");
        }
        if (s.get("stringData") instanceof ObjectNode plain) {
            ObjectNode data = s.get("data") instanceof ObjectNode d ? d : s.putObject("data");
            plain.fields().forEachRemaining(e -> data.put(e.getKey(),
                    java.util.Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            s.remove("stringData");
        }
    }

    private static List<Cause> validateKeys(com.fasterxml.jackson.databind.JsonNode data, String field) {
        List<Cause> causes = new java.util.ArrayList<>();
        data.fieldNames().forEachRemaining(k -> {
            if (k.length() > 253 || !CONFIG_KEY.matcher(k).matches() || k.equals(".") || k.equals("..")) {
                causes.add(Validation.invalid(field, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
            }
        });
        return causes;
    }

    /** Once {@code immutable: true} is stored, neither the data fields nor the flag may change. */
    private static List<Cause> validateImmutable(ObjectNode now, ObjectNode old, String... dataFields) {
        List<Cause> causes = new java.util.ArrayList<>();
        if (!old.path("immutable").asBoolean(false)) {
            return causes;
        }
        if (!now.path("immutable").asBoolean(false)) {
            causes.add(Validation.forbidden("immutable", "field is immutable when `immutable` is set"));
        }
        for (String f : dataFields) {
            if (!java.util.Objects.equals(now.get(f), old.get(f))) {
                causes.add(Validation.forbidden(f, "field is immutable when `immutable` is set"));
            }
        }
        return causes;
    }

    public static TableConvertor configMapTable() {
        return TableConvertor.of(List.of(Column.name("Name of the config map"),
                Column.of("Data", "string", "Number of keys"), Column.of("Age", "string", "Time since creation")),
                (cm, now) -> List.of(TableConvertor.name(cm),
                        Integer.toString(cm.path("data").size() + cm.path("binaryData").size()), TableConvertor.age(cm, now)));
    }

    public static TableConvertor secretTable() {
        return TableConvertor.of(List.of(Column.name("Name of the secret"), Column.of("Type", "string", "Secret type"),
                Column.of("Data", "string", "Number of keys"), Column.of("Age", "string", "Time since creation")),
                (s, now) -> List.of(TableConvertor.name(s), s.path("type").asText("Opaque"),
                        Integer.toString(s.path("data").size()), TableConvertor.age(s, now)));
    }

    public static TableConvertor serviceAccountTable() {
        return TableConvertor.of(List.of(Column.name("Name of the service account"),
                Column.of("Secrets", "string", "Number of token secrets"), Column.of("Age", "string", "Time since creation")),
                (sa, now) -> List.of(TableConvertor.name(sa), Integer.toString(sa.path("secrets").size()), TableConvertor.age(sa, now)));
    }
}
