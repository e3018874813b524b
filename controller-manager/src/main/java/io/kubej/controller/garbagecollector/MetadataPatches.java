package io.kubej.controller.garbagecollector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Collection;
import java.util.List;

/**
 * The JSON merge patches the collector writes (upstream: patch.go). A merge patch replaces a
 * list whole, so each carries the object's resourceVersion: if the list changed since it was
 * read, the API server answers 409 and the worker tries again from a fresh read. Merge patch
 * works for every kind, custom resources included (strategic merge patch does not).
 */
final class MetadataPatches {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataPatches() {
    }

    /** Drops the ownerReferences to {@code ownerUids} (dangling owners, or an owner being orphaned). */
    static String deleteOwnerReferences(ObjectMetadata latest, Collection<String> ownerUids) {
        List<OwnerReference> kept = latest.ownerReferences().stream().filter(r -> !ownerUids.contains(r.getUid())).toList();
        return ownerReferencesPatch(latest, kept);
    }

    /**
     * Sets {@code blockOwnerDeletion: false} on every ownerReference that blocks: how a
     * dependency cycle under foreground deletion is broken (upstream: unblockOwnerReferences).
     */
    static String unblockOwnerReferences(ObjectMetadata latest) {
        List<OwnerReference> refs = latest.ownerReferences().stream()
                .map(r -> Boolean.TRUE.equals(r.getBlockOwnerDeletion())
                        ? new OwnerReferenceBuilder(r).withBlockOwnerDeletion(false).build() : r)
                .toList();
        return ownerReferencesPatch(latest, refs);
    }

    /** Removes {@code finalizer} from the finalizers. */
    static String removeFinalizer(ObjectMetadata latest, String finalizer) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = metadata(patch, latest);
        ArrayNode finalizers = meta.putArray("finalizers");
        latest.finalizers().stream().filter(f -> !f.equals(finalizer)).forEach(finalizers::add);
        return patch.toString();
    }

    private static String ownerReferencesPatch(ObjectMetadata latest, List<OwnerReference> refs) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = metadata(patch, latest);
        if (refs.isEmpty()) {
            meta.putNull("ownerReferences");
        } else {
            meta.set("ownerReferences", JSON.valueToTree(refs));
        }
        return patch.toString();
    }

    private static ObjectNode metadata(ObjectNode patch, ObjectMetadata latest) {
        ObjectNode meta = patch.putObject("metadata");
        meta.put("uid", latest.uid());
        if (latest.resourceVersion() != null) {
            meta.put("resourceVersion", latest.resourceVersion());
        }
        return meta;
    }
}
