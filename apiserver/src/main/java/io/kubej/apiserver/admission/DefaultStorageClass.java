package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The DefaultStorageClass admission plugin (upstream
 * {@code plugin/pkg/admission/storage/storageclass/setdefault}): a new
 * PersistentVolumeClaim that names no storage class (the field absent, not {@code ""}, which
 * asks for none) gets the class annotated {@code storageclass.kubernetes.io/is-default-class:
 * "true"}; if several are, the newest.
 */
public final class DefaultStorageClass implements AdmissionPlugin {
    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    private final Supplier<List<ObjectNode>> storageClasses;

    public DefaultStorageClass(Supplier<List<ObjectNode>> storageClasses) {
        this.storageClasses = storageClasses;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.creates("", "persistentvolumeclaims")) {
            return;
        }
        ObjectNode spec = Json.obj(a.object(), "spec");
        if (spec.has("storageClassName") && !spec.get("storageClassName").isNull()) {
            return;
        }
        storageClasses.get().stream()
                .filter(c -> "true".equals(c.path("metadata").path("annotations").path(DEFAULT_ANNOTATION).asText()))
                .max(Comparator.comparing(c -> c.path("metadata").path("creationTimestamp").asText()))
                .ifPresent(c -> spec.put("storageClassName", c.path("metadata").path("name").asText()));
    }
}
