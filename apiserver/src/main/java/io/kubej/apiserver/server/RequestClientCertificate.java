package io.kubej.apiserver.server;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of client-certificate authentication, as Go's {@code tls.RequestClientCert}:
 * the handshake asks for a certificate, names the client CAs so a client can pick the right
 * one, and accepts whatever arrives. Whether it proves anything is decided per request by
 * {@code X509Authenticator}, which answers a bad certificate with an HTTP 401 the client can
 * read instead of a failed handshake it cannot.
 */
final class RequestClientCertificate extends X509ExtendedTrustManager {
    private final X509Certificate[] clientCas;

    RequestClientCertificate(File clientCaFile) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(clientCaFile.toPath())) {
            this.clientCas = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("a server never checks a server's certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return clientCas.clone();
    }
}
