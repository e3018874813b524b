package io.kubej.apiserver.authentication;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import java.util.List;
import java.util.Optional;

/**
 * One way of proving who you are (upstream {@code authenticator.Request}): a client
 * certificate, a bearer token. Each answers for the credential it understands and stays
 * silent (empty) for any other, so they compose as a union: the first that recognises the
 * request names the user. A request no authenticator recognises is anonymous, if anonymous
 * requests are allowed there, and otherwise 401.
 */
@FunctionalInterface
public interface Authenticator {
    Optional<UserInfo> authenticate(ApiRequest request);

    /** Upstream's {@code union.New}: tried in order, first success wins. */
    static Authenticator union(List<Authenticator> authenticators) {
        return request -> {
            for (Authenticator a : authenticators) {
                Optional<UserInfo> user = a.authenticate(request);
                if (user.isPresent()) {
                    return user;
                }
            }
            return Optional.empty();
        };
    }
}
