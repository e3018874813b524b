package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import java.util.List;

/**
 * What differs between resources on the write path (upstream: {@code rest.RESTCreateStrategy}
 * and friends in each {@code pkg/registry/<group>/<resource>/strategy.go}, plus the generic
 * store's BeginCreate/BeginUpdate hooks): defaulting, status handling, validation, allocation
 * and graceful deletion.
 */
public interface RESTStrategy {

    /** Called after a write was attempted: success says whether it happened (upstream {@code FinishFunc}). */
    @FunctionalInterface
    interface FinishFunc {
        FinishFunc NOTHING = success -> { };

        void finish(boolean success);
    }

    /** Whether the resource has a status that main-resource writes must not change. */
    default boolean hasStatus() {
        return true;
    }

    /** Defaults and resets before a create (e.g. a new pod starts Pending). */
    default void prepareForCreate(ObjectNode object) {
    }

    /**
     * Records who creates the object, for the kinds whose strategy reads the requesting user
     * from the request context on create (upstream: a CertificateSigningRequest's
     * {@code spec.username}, {@code uid}, {@code groups} and {@code extra}). The create paths call
     * it with the authenticated user before admission, so webhooks and plugins see the result.
     */
    default void recordRequester(ObjectNode object, io.kubej.apiserver.authentication.UserInfo requester) {
    }

    /** Defaults before an update; the generic store has already preserved status/immutable metadata. */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
    }

    /** Field errors of a new or updated object; empty when valid. */
    default List<Cause> validate(ObjectNode object) {
        return List.of();
    }

    /** Field errors only a new object can have: what a create must say that older objects may lack. */
    default List<Cause> validateCreate(ObjectNode object) {
        return List.of();
    }

    /** Field errors only an update can have: changes to immutable fields (upstream {@code ValidateUpdate}). */
    default List<Cause> validateUpdate(ObjectNode object, ObjectNode old) {
        return List.of();
    }

    /**
     * Just before a validated object is written for the first time: claim what it needs from
     * shared pools (a Service's ClusterIP and node ports). The returned function gives them back
     * when the write did not happen.
     */
    default FinishFunc beginCreate(ObjectNode object) {
        return FinishFunc.NOTHING;
    }

    /** Like {@link #beginCreate} for an update that may need new claims (a Service turned NodePort). */
    default FinishFunc beginUpdate(ObjectNode object, ObjectNode old) {
        return FinishFunc.NOTHING;
    }

    /**
     * Seconds to wait before removing this object on delete, or 0 to remove it now (upstream
     * {@code RESTGracefulDeleteStrategy}; only pods bound to a node are deleted gracefully).
     */
    default long gracePeriodSeconds(ObjectNode object, Long requested) {
        return 0;
    }

    /**
     * Whether a deleted object stays (marked) for a reason other than metadata.finalizers: a
     * namespace waits for its spec.finalizers, i.e. for its contents to be deleted.
     */
    default boolean keepsWhileFinalizing(ObjectNode object) {
        return false;
    }

    /** Changes to an object being marked for deletion (a namespace becomes Terminating). */
    default void prepareForDelete(ObjectNode object) {
    }

    /** Called once an object is removed from storage (e.g. release a service's ClusterIP). */
    default void afterDelete(ObjectNode object) {
    }
}
