package io.kubej.component.server;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.x500.X500Principal;

/**
 * Checks that a client's certificate chains to one of a bundle of CAs and may be used for
 * client authentication, as Go's {@code x509.Certificate.Verify} with
 * {@code ExtKeyUsageClientAuth} does for upstream's x509 and request-header authenticators.
 *
 * <p>The TLS handshake itself accepts any client certificate: which CA must have signed it
 * depends on what it is for (a user's certificate, or a front proxy's), so each authenticator
 * verifies against its own bundle.
 */
final class ClientCertificateVerifier {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final Supplier<List<X509Certificate>> cas;

    ClientCertificateVerifier(Supplier<List<X509Certificate>> cas) {
        this.cas = cas;
    }

    /** Whether any CA is configured at all (none: this authenticator cannot authenticate anyone). */
    boolean hasCas() {
        return !cas.get().isEmpty();
    }

    void verify(List<X509Certificate> chain) throws AuthenticationException {
        X509Certificate leaf = chain.getFirst();
        try {
            leaf.checkValidity();
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                throw new AuthenticationException("x509: certificate specifies an incompatible key usage");
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate ca : cas.get()) {
                anchors.add(new TrustAnchor(ca, null));
            }
            // the chain without any CA itself: PKIX wants the path up to, not including, the anchor
            List<X509Certificate> path = chain.stream().filter(c -> !isAnchor(c, anchors)).toList();
            if (path.isEmpty()) {
                path = List.of(leaf);
            }
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (AuthenticationException e) {
            throw e;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AuthenticationException("verifying certificate " + describe(leaf) + " failed: x509: certificate signed by unknown authority", e);
        }
    }

    private static boolean isAnchor(X509Certificate c, Set<TrustAnchor> anchors) {
        return anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c));
    }

    static String describe(X509Certificate c) {
        return "SN=" + c.getSerialNumber() + ", CN=" + commonName(c.getSubjectX500Principal());
    }

    /** The subject's CN, or "" (the user name upstream's CommonNameUserConversion takes). */
    static String commonName(X500Principal subject) {
        return attributes(subject, "CN").stream().findFirst().orElse("");
    }

    /** Every value of one attribute type of a subject, e.g. each O (the user's groups). */
    static List<String> attributes(X500Principal subject, String type) {
        try {
            var name = new javax.naming.ldap.LdapName(subject.getName(X500Principal.RFC2253));
            List<String> values = new java.util.ArrayList<>();
            // LdapName lists RDNs in the certificate's order (its string form reads backwards)
            for (var rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase(type)) {
                    values.add(rdn.getValue().toString());
                }
            }
            return values;
        } catch (javax.naming.InvalidNameException e) {
            return List.of();
        }
    }
}
