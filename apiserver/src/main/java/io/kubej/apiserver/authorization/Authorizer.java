package io.kubej.apiserver.authorization;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.endpoints.request.RequestInfo;

/**
 * Decides whether a user may do a request (upstream {@code authorizer.Authorizer}). The walking
 * skeleton allows every authenticated user (AlwaysAllow); Node and RBAC authorizers come later,
 * behind this same interface.
 */
public interface Authorizer {
    boolean authorize(UserInfo user, RequestInfo request);

    static Authorizer alwaysAllow() {
        return (user, request) -> true;
    }
}
