package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/**
 * The part of an object the garbage collector reads (upstream watches {@code
 * PartialObjectMetadata}): who it is, whom it names as owners, and whether it is being deleted
 * and with which finalizers.
 */
record ObjectMetadata(Identity identity, List<OwnerReference> ownerReferences, boolean beingDeleted,
                      List<String> finalizers, String resourceVersion) {
    static final String ORPHAN_FINALIZER = "orphan";
    static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    ObjectMetadata {
        ownerReferences = ownerReferences == null ? List.of() : List.copyOf(ownerReferences);
        finalizers = finalizers == null ? List.of() : List.copyOf(finalizers);
    }

    /** The metadata of {@code obj}, served as {@code apiVersion}/{@code kind}. */
    static ObjectMetadata of(HasMetadata obj, String apiVersion, String kind) {
        var m = obj.getMetadata();
        return new ObjectMetadata(new Identity(apiVersion, kind, m.getNamespace(), m.getName(), m.getUid()),
                m.getOwnerReferences(), m.getDeletionTimestamp() != null, m.getFinalizers(), m.getResourceVersion());
    }

    String uid() {
        return identity.uid();
    }

    boolean hasFinalizer(String f) {
        return finalizers.contains(f);
    }

    /** Deleting with propagationPolicy Orphan: the API server added the {@code orphan} finalizer. */
    boolean waitingForDependentsOrphaned() {
        return beingDeleted && hasFinalizer(ORPHAN_FINALIZER);
    }

    /** Deleting with propagationPolicy Foreground: the {@code foregroundDeletion} finalizer. */
    boolean waitingForDependentsDeleted() {
        return beingDeleted && hasFinalizer(FOREGROUND_FINALIZER);
    }
}
