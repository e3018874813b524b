package io.kubej.apiserver.serviceaccount;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs service-account tokens (upstream {@code pkg/serviceaccount/jwt.go}): a JWT signed
 * with {@code --service-account-signing-key-file} (RS256 for RSA keys, ES256 for P-256 ones),
 * whose {@code kid} header names the verifying key, {@code iss} is the first
 * {@code --service-account-issuer}, {@code sub} the service account's user name, and whose
 * private claims bind it to a pod, secret or node.
 */
public final class TokenGenerator {
    private final String issuer;
    private final JWSSigner signer;
    private final JWSHeader header;

    public TokenGenerator(String issuer, PrivateKey signingKey, PublicKey verifyingKey) {
        this.issuer = issuer;
        try {
            if (signingKey instanceof ECPrivateKey ec) {
                this.signer = new ECDSASigner(ec);
                this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ServiceAccountKeys.keyId(verifyingKey)).build();
            } else {
                this.signer = new RSASSASigner(signingKey);
                this.header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ServiceAccountKeys.keyId(verifyingKey)).build();
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable service-account signing key: " + e.getMessage(), e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** A signed token for {@code claims}, valid from now until {@code expires}. */
    public String generate(Claims claims, List<String> audiences, Instant now, Instant expires) {
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(Claims.username(claims.namespace(), claims.serviceAccount().name()))
                .audience(audiences)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim(Claims.PRIVATE_CLAIM, claims.toPrivateClaim())
                .build();
        SignedJWT jwt = new SignedJWT(header, set);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a service-account token failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
