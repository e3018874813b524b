package io.kubej.testcluster.cluster;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Readiness probes used by bring-up: a component's /healthz answering 200, over plain HTTP
 * (kubelet 10248, kube-proxy 10256) or HTTPS (kube-controller-manager 10257, kube-scheduler
 * 10259).
 */
public final class Probes {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    /**
     * For health probes only: the secure ports serve a self-signed certificate nobody is given,
     * and /healthz needs no credentials, so the probe does not verify the server, as kubeadm's
     * HTTPS liveness probes (run by the kubelet) do not either.
     */
    private static final HttpClient HTTPS_UNVERIFIED = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
            .sslContext(unverified()).build();

    private Probes() {
    }

    public static boolean httpOk(String url) {
        HttpClient client = url.startsWith("https:") ? HTTPS_UNVERIFIED : HTTP;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
            return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static SSLContext unverified() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AnyServer()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts any server certificate and name (an extended trust manager, so the JDK adds no host check of its own). */
    private static final class AnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
