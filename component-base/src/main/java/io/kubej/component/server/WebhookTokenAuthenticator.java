package io.kubej.component.server;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens ({@code Authorization: Bearer ...}), checked by asking the API server with a
 * TokenReview (upstream: {@code plugin/pkg/authenticator/token/webhook} behind
 * {@code request/bearertoken}). Answers, valid or not, are kept for
 * {@code --authentication-token-webhook-cache-ttl} under the token's SHA-256; failures to reach
 * the API server are not kept.
 */
final class WebhookTokenAuthenticator implements Authenticator {

    /** Asks whether a token is valid: the user, or empty when it is not. Throws when the API server cannot answer. */
    @FunctionalInterface
    interface TokenReviewer {
        Optional<UserInfo> review(String token) throws Exception;
    }

    private final TokenReviewer reviewer;
    private final Duration ttl;
    private final ExpiringCache<String, Optional<UserInfo>> cache;

    WebhookTokenAuthenticator(TokenReviewer reviewer, Duration ttl, InstantSource clock) {
        this.reviewer = reviewer;
        this.ttl = ttl;
        this.cache = new ExpiringCache<>(clock);
    }

    @Override
    public Optional<UserInfo> authenticate(ServingRequest request) throws AuthenticationException {
        String auth = request.firstHeader("Authorization");
        if (auth == null) {
            return Optional.empty();
        }
        String[] parts = auth.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isBlank()) {
            return Optional.empty();
        }
        String token = parts[1].trim();
        String key = sha256(token);
        Optional<UserInfo> answer = cache.get(key);
        if (answer == null) {
            try {
                answer = reviewer.review(token);
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(WebhookTokenAuthenticator.class).warn("TokenReview failed: {}", e.toString());
                throw new AuthenticationException("token review failed: " + e.getMessage(), e);
            }
            cache.put(key, answer, ttl);
        }
        if (answer.isEmpty()) {
            throw new AuthenticationException("invalid bearer token");
        }
        return answer;
    }

    /** A reviewer that creates authentication.k8s.io/v1 TokenReviews with {@code client}. */
    static TokenReviewer viaApi(KubernetesClient client) {
        return token -> {
            TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
            var status = review.getStatus();
            if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
                return Optional.empty();
            }
            var u = status.getUser();
            Map<String, List<String>> extra = new LinkedHashMap<>();
            if (u.getExtra() != null) {
                u.getExtra().forEach((k, v) -> extra.put(k, List.copyOf(v)));
            }
            return Optional.of(new UserInfo(u.getUsername(), u.getUid(), u.getGroups() == null ? List.of() : u.getGroups(), extra));
        };
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
