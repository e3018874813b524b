package io.kubej.apiserver.serviceaccount;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kubej.apiserver.authentication.TokenAuthenticator;
import io.kubej.apiserver.authentication.UserInfo;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates service-account tokens (upstream {@code pkg/serviceaccount/jwt.go} and
 * {@code claims.go}), in the order upstream checks them:
 * <ol>
 *   <li>it is a JWT whose issuer is one of {@code --service-account-issuer} (else: not ours, stay silent);</li>
 *   <li>its signature verifies with one of {@code --service-account-key-file}'s keys;</li>
 *   <li>it is within its validity period (a minute of leeway for clock skew) and one of its
 *       audiences is one the caller accepts;</li>
 *   <li>the service account, and the pod, secret or node it is bound to, still exist with the
 *       uids in the token: deleting a pod revokes every token issued for it.</li>
 * </ol>
 * The user is {@code system:serviceaccount:<ns>:<name>} in {@code system:serviceaccounts} and
 * {@code system:serviceaccounts:<ns>}; the bound pod and the token's id go into its extra.
 */
public final class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);
    private static final Duration LEEWAY = Duration.ofMinutes(1);

    private final List<String> issuers;
    private final List<JWSVerifier> verifiers;
    private final ObjectLookup objects;
    private final Clock clock;

    public ServiceAccountTokenAuthenticator(List<String> issuers, List<PublicKey> keys, ObjectLookup objects, Clock clock) {
        this.issuers = List.copyOf(issuers);
        this.verifiers = keys.stream().map(ServiceAccountTokenAuthenticator::verifier).toList();
        this.objects = objects;
        this.clock = clock;
    }

    private static JWSVerifier verifier(PublicKey key) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECPublicKey ec) {
                return new ECDSAVerifier(ec);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable service-account key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("service-account keys must be RSA or ECDSA, not " + key.getAlgorithm());
    }

    @Override
    public Optional<Authenticated> authenticateToken(String token, List<String> audiences) {
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Optional.empty(); // not a JWT: some other authenticator's token
        }
        if (!issuers.contains(set.getIssuer())) {
            return Optional.empty();
        }
        try {
            requireSignature(jwt);
            requireValidNow(set);
            List<String> matched = matchingAudiences(set.getAudience(), audiences);
            Claims claims = Claims.fromPrivateClaim(set.getJSONObjectClaim(Claims.PRIVATE_CLAIM));
            if (claims == null) {
                throw new Invalid("token has no kubernetes.io claims");
            }
            requireBoundObjectsExist(claims);
            return Optional.of(new Authenticated(userOf(claims, set.getJWTID()), matched));
        } catch (Invalid | ParseException e) {
            log.debug("service-account token of {} rejected: {}", set.getSubject(), e.getMessage());
            return Optional.empty();
        }
    }

    private void requireSignature(SignedJWT jwt) throws Invalid {
        for (JWSVerifier v : verifiers) {
            try {
                if (v.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm()) && jwt.verify(v)) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a key of another type: try the next
            }
        }
        throw new Invalid("token signature is invalid");
    }

    private void requireValidNow(JWTClaimsSet set) throws Invalid {
        Instant now = clock.instant();
        Date exp = set.getExpirationTime();
        if (exp == null || now.isAfter(exp.toInstant().plus(LEEWAY))) {
            throw new Invalid("token has expired");
        }
        Date nbf = set.getNotBeforeTime();
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
            throw new Invalid("token is not valid yet");
        }
    }

    private static List<String> matchingAudiences(List<String> tokenAudiences, List<String> accepted) throws Invalid {
        List<String> matched = new ArrayList<>(tokenAudiences);
        matched.retainAll(accepted);
        if (matched.isEmpty()) {
            throw new Invalid("token audiences " + tokenAudiences + " are invalid for the target audiences " + accepted);
        }
        return matched;
    }

    private void requireBoundObjectsExist(Claims c) throws Invalid {
        requireExists("serviceaccounts", c.namespace(), c.serviceAccount());
        requireExists("pods", c.namespace(), c.pod());
        requireExists("secrets", c.namespace(), c.secret());
        requireExists("nodes", null, c.node());
    }

    private void requireExists(String resource, String namespace, Claims.Ref ref) throws Invalid {
        if (ref == null) {
            return;
        }
        Optional<String> uid = objects.uidOf(resource, namespace, ref.name());
        String where = namespace == null ? ref.name() : namespace + "/" + ref.name();
        if (uid.isEmpty()) {
            throw new Invalid(resource + " " + where + " has been deleted");
        }
        if (!ref.uid().isEmpty() && !uid.get().equals(ref.uid())) {
            throw new Invalid(resource + " " + where + " has uid " + uid.get() + ", not the token's " + ref.uid());
        }
    }

    private static UserInfo userOf(Claims c, String tokenId) {
        List<String> groups = new ArrayList<>(Claims.groups(c.namespace()));
        groups.add(UserInfo.ALL_AUTHENTICATED);
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (c.pod() != null) {
            extra.put("authentication.kubernetes.io/pod-name", List.of(c.pod().name()));
            extra.put("authentication.kubernetes.io/pod-uid", List.of(c.pod().uid()));
        }
        if (c.node() != null) {
            extra.put("authentication.kubernetes.io/node-name", List.of(c.node().name()));
            extra.put("authentication.kubernetes.io/node-uid", List.of(c.node().uid()));
        }
        if (tokenId != null) {
            extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + tokenId));
        }
        return new UserInfo(Claims.username(c.namespace(), c.serviceAccount().name()), c.serviceAccount().uid(), groups, extra);
    }

    /** Why a token of ours is not accepted (logged at debug; the client only sees 401). */
    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }
}
