package io.kubej.component.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The secure port's authenticator chain, as upstream's {@code DelegatingAuthenticatorConfig}
 * builds it: request-header (front proxy) first, then client certificates, then bearer tokens
 * through TokenReview. The first that knows the user wins; when none does but one found wrong
 * credentials, the request is refused (401); when nobody found credentials at all, the request
 * is anonymous ({@code system:anonymous} in {@code system:unauthenticated}) and authorization
 * decides what anonymous may see.
 */
public final class DelegatingAuthentication implements Authenticator, AutoCloseable {
    private final List<Authenticator> authenticators;
    private final boolean anonymous;
    private final List<AutoCloseable> resources;

    DelegatingAuthentication(List<Authenticator> authenticators, boolean anonymous, List<AutoCloseable> resources) {
        this.authenticators = List.copyOf(authenticators);
        this.anonymous = anonymous;
        this.resources = List.copyOf(resources);
    }

    /** A chain of the given authenticators with anonymous requests allowed (for tests and simple setups). */
    public static DelegatingAuthentication of(Authenticator... authenticators) {
        return new DelegatingAuthentication(List.of(authenticators), true, List.of());
    }

    @Override
    public Optional<UserInfo> authenticate(ServingRequest request) throws AuthenticationException {
        List<String> errors = new ArrayList<>();
        for (Authenticator a : authenticators) {
            try {
                Optional<UserInfo> user = a.authenticate(request);
                if (user.isPresent()) {
                    return Optional.of(user.get().withAuthenticatedGroup());
                }
            } catch (AuthenticationException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new AuthenticationException(String.join(", ", errors));
        }
        return anonymous ? Optional.of(UserInfo.anonymous()) : Optional.empty();
    }

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing a client on the way out
            }
        }
    }
}
