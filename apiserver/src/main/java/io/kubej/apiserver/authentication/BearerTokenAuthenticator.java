package io.kubej.apiserver.authentication;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import java.util.List;
import java.util.Optional;

/**
 * The {@code Authorization: Bearer <token>} header (upstream {@code request/bearertoken}):
 * hands the token to a {@link TokenAuthenticator} with the API server's audiences.
 */
public final class BearerTokenAuthenticator implements Authenticator {
    private final TokenAuthenticator tokens;
    private final List<String> apiAudiences;

    public BearerTokenAuthenticator(TokenAuthenticator tokens, List<String> apiAudiences) {
        this.tokens = tokens;
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    @Override
    public Optional<UserInfo> authenticate(ApiRequest request) {
        String header = request.header("authorization").trim();
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return tokens.authenticateToken(token, apiAudiences).map(TokenAuthenticator.Authenticated::user);
    }
}
