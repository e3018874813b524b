package io.kubej.component.server;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secure port's authorizer, as upstream's {@code DelegatingAuthorizationOptions} builds it:
 * a union, in order, of
 * <ol>
 *   <li>privileged groups ({@code system:masters}), allowed everything without asking;</li>
 *   <li>{@code --authorization-always-allow-paths} ({@code /healthz}, {@code /readyz},
 *       {@code /livez}: health probes need no credentials); a trailing {@code *} matches a prefix;</li>
 *   <li>a SubjectAccessReview to the API server ({@code --authorization-kubeconfig}) for the
 *       non-resource path and verb, its answers kept
 *       {@code --authorization-webhook-cache-authorized-ttl} when allowed and
 *       {@code -unauthorized-ttl} otherwise.</li>
 * </ol>
 * The first allow or deny decides; when all have no opinion the request is forbidden. Without
 * the kubeconfig there is no review, so only the first two can allow anything.
 */
public final class DelegatingAuthorization implements Authorizer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DelegatingAuthorization.class);

    /** Asks the API server: ALLOW, DENY or NO_OPINION (neither allowed nor explicitly denied). Throws when it cannot answer. */
    @FunctionalInterface
    interface SubjectAccessReviewer {
        Decision review(UserInfo user, String verb, String path) throws Exception;
    }

    private record Question(String user, String uid, List<String> groups, Map<String, List<String>> extra, String verb, String path) {
    }

    private final List<String> alwaysAllowGroups;
    private final List<String> alwaysAllowPaths;
    private final SubjectAccessReviewer reviewer;
    private final Duration allowedTtl;
    private final Duration deniedTtl;
    private final ExpiringCache<Question, Decision> cache;
    private final AutoCloseable resource;

    DelegatingAuthorization(List<String> alwaysAllowGroups, List<String> alwaysAllowPaths, SubjectAccessReviewer reviewer,
                            Duration allowedTtl, Duration deniedTtl, InstantSource clock, AutoCloseable resource) {
        alwaysAllowPaths = alwaysAllowPaths.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        for (String p : alwaysAllowPaths) {
            int star = p.indexOf('*');
            if (star >= 0 && star != p.length() - 1) {
                throw new IllegalArgumentException("--authorization-always-allow-paths: only trailing * allowed in \"" + p + "\"");
            }
        }
        this.alwaysAllowGroups = List.copyOf(alwaysAllowGroups);
        this.alwaysAllowPaths = List.copyOf(alwaysAllowPaths);
        this.reviewer = reviewer;
        this.allowedTtl = allowedTtl;
        this.deniedTtl = deniedTtl;
        this.cache = new ExpiringCache<>(clock);
        this.resource = resource;
    }

    @Override
    public Decision authorize(UserInfo user, String verb, String path) {
        if (alwaysAllowGroups.stream().anyMatch(user::inGroup)) {
            return Decision.ALLOW;
        }
        if (alwaysAllowed(path)) {
            return Decision.ALLOW;
        }
        if (reviewer == null) {
            return Decision.NO_OPINION;
        }
        Question q = new Question(user.name(), user.uid(), user.groups(), user.extra(), verb, path);
        Decision cached = cache.get(q);
        if (cached != null) {
            return cached;
        }
        Decision d;
        try {
            d = reviewer.review(user, verb, path);
        } catch (Exception e) {
            // the API server did not answer: no opinion, and nothing kept
            log.warn("SubjectAccessReview for {} {} {} failed: {}", user.name(), verb, path, e.toString());
            return Decision.NO_OPINION;
        }
        cache.put(q, d, d == Decision.ALLOW ? allowedTtl : deniedTtl);
        return d;
    }

    /** Upstream's path authorizer: exact paths, or prefixes ending in {@code *}; a leading {@code /} is optional. */
    private boolean alwaysAllowed(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        for (String allowed : alwaysAllowPaths) {
            String a = allowed.startsWith("/") ? allowed.substring(1) : allowed;
            if (a.endsWith("*") ? p.startsWith(a.substring(0, a.length() - 1)) : p.equals(a)) {
                return true;
            }
        }
        return false;
    }

    /** A reviewer that creates authorization.k8s.io/v1 SubjectAccessReviews with {@code client}. */
    static SubjectAccessReviewer viaApi(KubernetesClient client) {
        return (user, verb, path) -> {
            Map<String, List<String>> extra = new java.util.LinkedHashMap<>(user.extra());
            SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(user.name()).withUid(user.uid().isEmpty() ? null : user.uid()).withGroups(new ArrayList<>(user.groups()))
                    .withExtra(extra.isEmpty() ? null : extra)
                    .withNewNonResourceAttributes().withPath(path).withVerb(verb).endNonResourceAttributes()
                    .endSpec().build()).create();
            var status = review.getStatus();
            if (status != null && Boolean.TRUE.equals(status.getAllowed())) {
                return Decision.ALLOW;
            }
            if (status != null && Boolean.TRUE.equals(status.getDenied())) {
                return Decision.DENY;
            }
            return Decision.NO_OPINION;
        };
    }

    @Override
    public void close() {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing a client on the way out
            }
        }
    }
}
