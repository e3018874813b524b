package io.kubej.apiserver.admission.webhook;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server whose certificate chains to the CA bundle and names {@code serverName},
 * whatever address we connected to. A webhook behind a Service is reached at the Service's
 * ClusterIP, but its certificate is issued for {@code <service>.<namespace>.svc}, as upstream's
 * TLS config says with its ServerName; the JDK's own check would compare it with the IP.
 */
final class ServerNameTrustManager extends X509ExtendedTrustManager {
    private static final int DNS_NAME = 2; // the dNSName choice of a subjectAltName (RFC 5280)

    private final X509ExtendedTrustManager chain;
    private final String serverName;

    /** @param chain checks the chain against the CA bundle (its two-argument checks do not look at names) */
    ServerNameTrustManager(X509ExtendedTrustManager chain, String serverName) {
        this.chain = chain;
        this.serverName = serverName.toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        chain.checkServerTrusted(certificates, authType);
        checkName(certificates[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(certificates, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(certificates, authType);
    }

    /** The DNS names of the certificate's subjectAltName; "*.example.svc" covers exactly one more label. */
    private void checkName(X509Certificate leaf) throws CertificateException {
        List<String> names = dnsNames(leaf);
        for (String name : names) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(serverName)) {
                return;
            }
            if (n.startsWith("*.") && serverName.endsWith(n.substring(1))) {
                String label = serverName.substring(0, serverName.length() - n.length() + 1);
                if (!label.isEmpty() && !label.contains(".")) {
                    return;
                }
            }
        }
        throw new CertificateException("x509: certificate is valid for " + (names.isEmpty() ? "no DNS names" : String.join(", ", names))
                + ", not " + serverName);
    }

    static List<String> dnsNames(X509Certificate cert) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (san.get(0) instanceof Integer type && type == DNS_NAME) {
                    names.add((String) san.get(1));
                }
            }
        }
        return names;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }

    // a client of webhooks never checks clients

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("not a server");
    }
}
