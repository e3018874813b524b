package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.generic.Store;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A subresource ({@code pods/status}, {@code deployments/scale}, {@code pods/binding}, ...):
 * upstream registers each as its own REST object next to the resource's store, speaking either
 * the parent's kind (status) or a kind of its own (Scale, Binding, Eviction). The HTTP layer
 * only decodes and encodes; what a verb means is decided here.
 */
public interface Subresource {
    /** The last path segment: {@code status}, {@code scale}, ... */
    String name();

    /** The kind the subresource reads and writes, as discovery shows it; null = the parent's kind. */
    default String kind() {
        return null;
    }

    /** Its group and version when they differ from the parent's (Scale is autoscaling/v1), else null. */
    default String groupVersion() {
        return null;
    }

    List<String> verbs();

    /** Decodes this subresource's kind from protobuf (kubectl's typed clients send it), or null for JSON only. */
    default Resource.ProtobufDecoder protobuf() {
        return null;
    }

    /** The patch metadata for strategic merge patches of this subresource's object. */
    default PatchMeta patchMeta(Resource parent) {
        return parent.patchMeta();
    }

    default ObjectNode get(Store store, String namespace, String name) {
        throw StatusError.methodNotAllowed();
    }

    /**
     * Update or patch: desired computes the new subresource object from the current one (a PUT
     * ignores the current one, a PATCH applies itself to it).
     */
    default ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired) {
        throw StatusError.methodNotAllowed();
    }

    /**
     * Update or patch of a subresource of a kind of its own (Scale), which changes its parent:
     * parentWritten sees the parent before and after the change and returns what to store (field
     * management records the write there, as upstream does for {@code scale}). Subresources that
     * ignore it keep the parent's managedFields as they find them.
     */
    default ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired,
                              java.util.function.BinaryOperator<ObjectNode> parentWritten) {
        return update(store, namespace, name, dryRun, desired);
    }

    /** A POST to the subresource (binding, eviction): the answer and its HTTP status. */
    default Created create(Store store, String namespace, String name, ObjectNode body, boolean dryRun) {
        throw StatusError.methodNotAllowed();
    }

    record Created(int code, ObjectNode body) {
    }

    /** A metav1.Status of success, as create-only subresources answer. */
    static ObjectNode success(int code) {
        ObjectNode ok = io.kubej.apiserver.api.Json.object();
        ok.put("kind", "Status").put("apiVersion", "v1");
        ok.putObject("metadata");
        ok.put("status", "Success").put("code", code);
        return ok;
    }
}
