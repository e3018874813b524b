package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.DeletionPropagation;

/**
 * The API calls the collector's workers make, for any kind (upstream: the GC's metadata client
 * and REST mapper). An interface so that the workers' rules can be tested without a server.
 */
interface MetadataClient {
    /** The resource serving {@code kind}; throws {@link RestMapper.RestMappingException} if none. */
    ResourceMapping mapping(String apiVersion, String kind);

    /** The object's metadata as the API server has it now, or null if there is none (404). */
    ObjectMetadata get(ResourceMapping resource, String namespace, String name);

    /**
     * Deletes with {@code policy}, only if the object is still at {@code resourceVersion}
     * (a precondition: a newer version may have gained an owner). False if it is gone already.
     */
    boolean delete(ResourceMapping resource, Identity item, String resourceVersion, DeletionPropagation policy);

    /** Applies a JSON merge patch; false if the object is gone. A stale resourceVersion in it fails with 409. */
    boolean patch(ResourceMapping resource, Identity item, String mergePatch);
}
