package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import java.util.List;

/**
 * What differs between resources on the write path (upstream: {@code rest.RESTCreateStrategy}
 * and friends in each {@code pkg/registry/<group>/<resource>/strategy.go}): defaulting, status
 * handling, validation and, for pods, graceful deletion.
 */
public interface RESTStrategy {

    /** Whether the resource has a status that main-resource writes must not change. */
    default boolean hasStatus() {
        return true;
    }

    /** Defaults and resets before a create (e.g. a new pod starts Pending). */
    default void prepareForCreate(ObjectNode object) {
    }

    /** Defaults before an update; the generic store has already preserved status/immutable metadata. */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
    }

    /** Field errors of a new or updated object; empty when valid. */
    default List<Cause> validate(ObjectNode object) {
        return List.of();
    }

    /**
     * Seconds to wait before removing this object on delete, or 0 to remove it now (upstream
     * {@code RESTGracefulDeleteStrategy}; only pods bound to a node are deleted gracefully).
     */
    default long gracePeriodSeconds(ObjectNode object, Long requested) {
        return 0;
    }

    /** Called once an object is removed from storage (e.g. release a service's ClusterIP). */
    default void afterDelete(ObjectNode object) {
    }
}
