package io.kubej.apiserver.registry.core.namespace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * Namespaces (upstream {@code pkg/registry/core/namespace}): names are DNS-1123 labels; a new
 * namespace is Active and carries the {@code kubernetes.io/metadata.name} label.
 */
public final class NamespaceStrategy implements RESTStrategy {
    @Override
    public void prepareForCreate(ObjectNode ns) {
        ns.putObject("status").put("phase", "Active");
        Json.obj(ns, "spec").putArray("finalizers").add("kubernetes");
        addNameLabel(ns);
    }

    @Override
    public void prepareForUpdate(ObjectNode ns, ObjectNode old) {
        addNameLabel(ns);
    }

    private static void addNameLabel(ObjectNode ns) {
        Json.obj(Json.metadata(ns), "labels").put("kubernetes.io/metadata.name", TableConvertor.name(ns));
    }

    @Override
    public List<Cause> validate(ObjectNode ns) {
        List<Cause> causes = new ArrayList<>(Validation.validateObjectMeta(ns, Validation.NameRule.DNS1123_LABEL));
        return causes;
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the namespace"),
                Column.of("Status", "string", "Active or Terminating"),
                Column.of("Age", "string", "Time since creation")), (ns, now) -> List.of(
                        TableConvertor.name(ns), ns.path("status").path("phase").asText("Active"), TableConvertor.age(ns, now)));
    }
}
