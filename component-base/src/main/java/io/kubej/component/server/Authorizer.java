package io.kubej.component.server;

/** Whether a user may use a verb on a (non-resource) path (upstream: {@code authorizer.Authorizer}). */
public interface Authorizer {

    enum Decision { ALLOW, DENY, NO_OPINION }

    Decision authorize(UserInfo user, String verb, String path);
}
