package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.webhook.Webhook.ClientConfig;
import io.kubej.apiserver.api.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Posts an AdmissionReview to a webhook and reads the reply (upstream
 * {@code util/webhook.ClientManager} and its REST client): HTTPS only, the server's
 * certificate checked against the webhook's caBundle (or the JDK's roots when it has none)
 * and for the right name, the whole call bounded by timeoutSeconds. One JDK HttpClient per
 * CA bundle and server name, reused across calls.
 */
public final class WebhookClient {
    private final ServiceResolver services;
    private final Map<TlsConfig, HttpClient> clients = new ConcurrentHashMap<>();

    /** What an HttpClient's TLS depends on: whom to trust, and (for a Service) which name to expect. */
    private record TlsConfig(String caBundle, String serverName) {
    }

    /** Where to send the review; serverName is null when the URL's own host is the name to check. */
    private record Target(URI uri, String serverName) {
    }

    public WebhookClient(ServiceResolver services) {
        this.services = services;
    }

    /**
     * @return the webhook's reply, parsed
     * @throws IOException the call failed: no connection, TLS, timeout, a non-2xx status, a body that is not JSON
     */
    JsonNode post(Webhook hook, ObjectNode review) throws IOException, InterruptedException {
        Target target = target(hook.clientConfig());
        HttpClient http = client(new TlsConfig(hook.clientConfig().caBundle(), target.serverName()));
        Duration timeout = Duration.ofSeconds(hook.timeoutSeconds());
        // ?timeout= tells the webhook how long it has, as upstream's client does
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.uri() + "?timeout=" + hook.timeoutSeconds() + "s"))
                .timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(review))).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException("Post \"" + target.uri() + "\": " + describe(e), e);
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new IOException("the server responded with status " + response.statusCode() + ": " + abbreviate(body));
        }
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the response is not JSON: " + abbreviate(body), e);
        }
    }

    private Target target(ClientConfig config) throws IOException {
        if (config.url() != null) {
            return new Target(URI.create(config.url()), null);
        }
        return new Target(services.resolve(config.service()), config.service().serverName());
    }

    private HttpClient client(TlsConfig tls) throws IOException {
        HttpClient existing = clients.get(tls);
        if (existing != null) {
            return existing;
        }
        SSLContext ssl;
        try {
            ssl = sslContext(tls);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the caBundle: " + e.getMessage(), e);
        }
        HttpClient.Builder b = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls.serverName() != null) {
            SSLParameters params = ssl.getDefaultSSLParameters();
            params.setServerNames(List.of(new SNIHostName(tls.serverName())));
            b.sslParameters(params);
        }
        return clients.computeIfAbsent(tls, k -> b.build());
    }

    private static SSLContext sslContext(TlsConfig tls) throws GeneralSecurityException, IOException {
        X509ExtendedTrustManager trust = trustManager(tls.caBundle());
        if (tls.serverName() != null) {
            trust = new ServerNameTrustManager(trust, tls.serverName());
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trust}, null);
        return ssl;
    }

    /** The PKIX trust manager of the caBundle's certificates (base64 of PEM), or of the JDK's roots when empty. */
    static X509ExtendedTrustManager trustManager(String caBundle) throws GeneralSecurityException, IOException {
        KeyStore roots = null;
        if (!caBundle.isEmpty()) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caBundle)));
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("it holds no certificate");
            }
            roots = KeyStore.getInstance(KeyStore.getDefaultType());
            roots.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                roots.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(roots);
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * The JDK often hides the useful words in a cause, or says nothing at all: a refused
     * connection is a ConnectException without a message.
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connect: connection refused";
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
