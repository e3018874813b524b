package io.kubej.apiserver.authentication;

import java.util.List;
import java.util.Optional;

/**
 * Checks a bearer token (upstream {@code authenticator.Token}). The same check answers a
 * request's {@code Authorization: Bearer} header and a TokenReview, so both agree.
 */
@FunctionalInterface
public interface TokenAuthenticator {
    /**
     * @param audiences the audiences the caller accepts (for a request: the API server's own, {@code --api-audiences})
     * @return the user and the audiences of the token that matched, or empty if the token is not valid here
     */
    Optional<Authenticated> authenticateToken(String token, List<String> audiences);

    record Authenticated(UserInfo user, List<String> audiences) {
    }

    /** Tried in order: the first that knows the token answers. */
    static TokenAuthenticator union(List<TokenAuthenticator> authenticators) {
        return (token, audiences) -> {
            for (TokenAuthenticator a : authenticators) {
                Optional<Authenticated> r = a.authenticateToken(token, audiences);
                if (r.isPresent()) {
                    return r;
                }
            }
            return Optional.empty();
        };
    }

    /** No token authentication configured: every token is unknown. */
    static TokenAuthenticator none() {
        return (token, audiences) -> Optional.empty();
    }
}
