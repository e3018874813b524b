package io.kubej.kubelet.token;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubej.kubelet.volume.VolumeSetUpException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Service-account tokens for projected volumes (upstream pkg/kubelet/token/token_manager.go):
 * asked from the API server's TokenRequest API ({@code serviceaccounts/<sa>/token}) bound to the
 * pod, so the token dies with the pod; kept until 80% of its lifetime (or 24 h) has passed, then
 * asked again, so a pod's token file is renewed well before it expires.
 */
public final class TokenManager {
    private static final Duration MAX_TTL = Duration.ofHours(24);

    /** A token and the times that decide when to renew it. */
    record Cached(String token, Instant issued, Instant expires) {
    }

    /** Sends one TokenRequest; the API client in the kubelet, a fake in tests. */
    @FunctionalInterface
    public interface TokenRequester {
        TokenRequest request(String namespace, String serviceAccount, TokenRequest request);
    }

    private final TokenRequester requester;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TokenManager(TokenRequester requester, Clock clock) {
        this.requester = requester;
        this.clock = clock;
    }

    public static TokenManager fromApi(KubernetesClient client) {
        return new TokenManager((ns, sa, tr) -> client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(tr),
                Clock.systemUTC());
    }

    /** The pod's token for this audience (null/empty: the API server's) and lifetime. */
    public String getServiceAccountToken(Pod pod, String audience, long expirationSeconds) {
        String sa = Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
        String key = pod.getMetadata().getUid() + "/" + sa + "/" + Objects.requireNonNullElse(audience, "") + "/" + expirationSeconds;
        Cached current = cache.get(key);
        if (current != null && !requiresRefresh(current)) {
            return current.token();
        }
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
                .withAudiences(audience == null || audience.isEmpty() ? List.of() : List.of(audience))
                .withExpirationSeconds(expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec().build();
        TokenRequest answer;
        try {
            answer = requester.request(pod.getMetadata().getNamespace(), sa, request);
        } catch (KubernetesClientException e) {
            throw new VolumeSetUpException("failed to fetch token: " + e.getMessage());
        }
        Instant now = clock.instant();
        Instant expires = answer.getStatus().getExpirationTimestamp() != null
                ? Instant.parse(answer.getStatus().getExpirationTimestamp()) : now.plusSeconds(expirationSeconds);
        Cached fresh = new Cached(answer.getStatus().getToken(), now, expires);
        cache.put(key, fresh);
        return fresh.token();
    }

    /** Renew once 80% of the lifetime has passed, or after 24 h. */
    boolean requiresRefresh(Cached c) {
        Instant now = clock.instant();
        Duration ttl = Duration.between(c.issued(), c.expires());
        Instant renewAt = c.issued().plus(ttl.multipliedBy(8).dividedBy(10));
        return !now.isBefore(renewAt) || !now.isBefore(c.issued().plus(MAX_TTL));
    }

    /** A pod gone for good: its tokens are dropped. */
    public void deleteServiceAccountTokens(String podUid) {
        cache.keySet().removeIf(k -> k.startsWith(podUid + "/"));
    }
}
