package io.kubej.apiserver.authorization;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.endpoints.request.RequestInfo;

/**
 * Decides whether a user may do a request (upstream {@code authorizer.Authorizer}). An
 * authorizer allows, denies, or has no opinion; the modes of {@code --authorization-mode}
 * are asked in order and the first that allows or denies decides ({@link AuthorizerChain}).
 * RBAC only ever allows or stays silent: it is purely additive.
 */
@FunctionalInterface
public interface Authorizer {
    enum Decision { ALLOW, DENY, NO_OPINION }

    Decision authorize(UserInfo user, RequestInfo request);

    default boolean allows(UserInfo user, RequestInfo request) {
        return authorize(user, request) == Decision.ALLOW;
    }

    /** {@code --authorization-mode=AlwaysAllow}: every authenticated request is allowed. */
    static Authorizer alwaysAllow() {
        return (user, request) -> Decision.ALLOW;
    }

    static Authorizer alwaysDeny() {
        return (user, request) -> Decision.DENY;
    }
}
