package io.kubej.component.server;

import java.util.Optional;

/** One way of finding out who sent a request (upstream: {@code authenticator.Request}). */
public interface Authenticator {

    /**
     * The user, or empty when the request carries no credentials of this kind; throws when it
     * carries such credentials and they do not hold.
     */
    Optional<UserInfo> authenticate(ServingRequest request) throws AuthenticationException;
}
