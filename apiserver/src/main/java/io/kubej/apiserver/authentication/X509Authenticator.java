package io.kubej.apiserver.authentication;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-certificate authentication (upstream {@code authentication/request/x509}). The TLS
 * handshake asks for a certificate but accepts any, as Go's {@code tls.RequestClientCert}
 * does; the check happens here, so a bad certificate gets an HTTP 401 and not a broken
 * handshake: the chain must lead to a CA of {@code --client-ca-file}, every certificate must
 * be within its validity period, and the leaf must allow client authentication (extended key
 * usage clientAuth). The user is the subject's CommonName, the groups its Organization values;
 * that is why the hard way's admin certificate has O=system:masters and a kubelet's
 * CN=system:node:worker-0, O=system:nodes.
 *
 * <p>Path validation costs a signature check per certificate, and a client sends the same chain
 * on every request of a connection; so, as upstream's verify-options cache does, a chain's
 * answer is remembered until the earliest expiry in it (a bounded map, cleared when full).
 */
public final class X509Authenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(X509Authenticator.class);
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    /** Enough for every component and user of a cluster; a flood of distinct chains just clears it. */
    private static final int MAX_CACHED_CHAINS = 1024;

    private final Set<TrustAnchor> anchors;
    private final Map<List<X509Certificate>, Verified> verified = new ConcurrentHashMap<>();

    /** A chain's answer (empty when it was rejected) and until when it holds. */
    private record Verified(Optional<UserInfo> user, Instant until) {
    }

    public X509Authenticator(Set<TrustAnchor> anchors) {
        this.anchors = Set.copyOf(anchors);
    }

    /** The CAs of a PEM bundle such as {@code --client-ca-file}. */
    public static X509Authenticator fromCaFile(Path caFile) throws IOException, GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        try (InputStream in = Files.newInputStream(caFile)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) c, null));
            }
        }
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException(caFile + " holds no certificate");
        }
        return new X509Authenticator(anchors);
    }

    @Override
    public Optional<UserInfo> authenticate(ApiRequest request) {
        List<X509Certificate> chain = request.peerCertificates();
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        Verified known = verified.get(chain);
        if (known != null && now.isBefore(known.until())) {
            return known.user();
        }
        Optional<UserInfo> user = check(chain);
        if (verified.size() >= MAX_CACHED_CHAINS) {
            verified.clear();
        }
        verified.put(List.copyOf(chain), new Verified(user, earliestExpiry(chain)));
        return user;
    }

    private Optional<UserInfo> check(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        try {
            verify(chain);
            requireClientAuthUsage(leaf);
            return userOf(leaf);
        } catch (GeneralSecurityException e) {
            log.debug("client certificate {} rejected: {}", leaf.getSubjectX500Principal(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Until when an answer about this chain holds: its earliest notAfter. (A chain rejected as
     * not yet valid is asked again after a minute.)
     */
    private static Instant earliestExpiry(List<X509Certificate> chain) {
        Instant until = Instant.MAX;
        for (X509Certificate c : chain) {
            Instant end = c.getNotAfter().toInstant();
            until = end.isBefore(until) ? end : until;
            Instant start = c.getNotBefore().toInstant();
            if (start.isAfter(Instant.now())) {
                until = Instant.now().plusSeconds(60);
            }
        }
        return until;
    }

    /** PKIX path validation against the client CAs: signatures, validity periods, CA constraints. */
    private void verify(List<X509Certificate> chain) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        // the path is the presented chain without a self-signed root, which must be an anchor anyway
        List<X509Certificate> path = new ArrayList<>(chain);
        X509Certificate last = path.get(path.size() - 1);
        if (path.size() > 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            path.remove(path.size() - 1);
        }
        CertPath certPath = cf.generateCertPath(path);
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(certPath, params);
    }

    private static void requireClientAuthUsage(X509Certificate leaf) throws GeneralSecurityException {
        List<String> usages = leaf.getExtendedKeyUsage();
        if (usages == null || !(usages.contains(CLIENT_AUTH) || usages.contains(ANY_USAGE))) {
            throw new GeneralSecurityException("certificate is not valid for client authentication (no clientAuth extended key usage)");
        }
    }

    private static Optional<UserInfo> userOf(X509Certificate cert) throws GeneralSecurityException {
        try {
            LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            String cn = null;
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
            if (cn == null || cn.isEmpty()) {
                throw new GeneralSecurityException("certificate has no CommonName");
            }
            Collections.reverse(groups); // LdapName lists RDNs last-first; keep the certificate's order
            groups.add(UserInfo.ALL_AUTHENTICATED);
            return Optional.of(new UserInfo(cn, groups));
        } catch (InvalidNameException e) {
            throw new GeneralSecurityException(e.getMessage());
        }
    }
}
