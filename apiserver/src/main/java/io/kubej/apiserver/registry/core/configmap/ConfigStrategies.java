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
 * reference by name. A Secret's type defaults to Opaque.
 */
public final class ConfigStrategies {
    private ConfigStrategies() {
    }

    /** No status, DNS-1123 subdomain names, optional defaulting. */
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

            @Override
            public List<Cause> validate(ObjectNode object) {
                return Validation.validateName(object, Validation.NameRule.DNS1123_SUBDOMAIN);
            }
        };
    }

    public static RESTStrategy secret() {
        return plain(s -> {
            if (s.path("type").asText("").isEmpty()) {
                s.put("type", "Opaque");
            }
        });
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
