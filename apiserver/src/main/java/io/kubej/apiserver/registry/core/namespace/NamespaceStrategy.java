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
 * namespace is Active, carries the {@code kubernetes.io/metadata.name} label and the
 * {@code kubernetes} finalizer. Deleting it makes it Terminating: it stays until the namespace
 * controller has deleted everything in it and removed that finalizer through {@code /finalize}.
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
        // spec.finalizers changes only through /finalize
        if (old.path("spec").has("finalizers")) {
            Json.obj(ns, "spec").set("finalizers", old.path("spec").get("finalizers"));
        } else {
            Json.obj(ns, "spec").remove("finalizers");
        }
        addNameLabel(ns);
    }

    @Override
    public boolean keepsWhileFinalizing(ObjectNode ns) {
        return !ns.path("spec").path("finalizers").isEmpty();
    }

    @Override
    public void prepareForDelete(ObjectNode ns) {
        Json.obj(ns, "status").put("phase", "Terminating");
    }

    private static void addNameLabel(ObjectNode ns) {
        Json.obj(Json.metadata(ns), "labels").put("kubernetes.io/metadata.name", TableConvertor.name(ns));
    }

    @Override
    public List<Cause> validate(ObjectNode ns) {
        List<Cause> causes = new ArrayList<>();
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
