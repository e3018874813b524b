package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kubej.apiserver.api.Json;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.CertificateRequest;
import io.kubej.pki.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Admission webhooks served by the test itself: the JDK's HttpsServer with a certificate from
 * a CA of its own, so the API server must trust the caBundle a configuration gives it. Each
 * path answers AdmissionReviews with a handler; every review received is kept for the test to
 * look at.
 */
public final class TestWebhookServer implements AutoCloseable {
    private static final char[] PASSWORD = "test-only".toCharArray();

    private final CertificateAuthority ca;
    private final HttpsServer server;
    private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();

    private TestWebhookServer(CertificateAuthority ca, HttpsServer server) {
        this.ca = ca;
        this.server = server;
    }

    /** Listens on 127.0.0.1 with a serving certificate for {@code sans} (IPs and DNS names). */
    public static TestWebhookServer start(String... sans) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        KeyPair keys = CertificateAuthority.newKeyPair();
        X509Certificate cert = ca.issue(new CertificateRequest("webhook", "test-webhook", List.of(), List.of(sans), false, true),
                keys.getPublic());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("webhook", keys.getPrivate(), PASSWORD, new Certificate[] {cert, ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return new TestWebhookServer(ca, server);
    }

    /** The CA as a configuration's clientConfig.caBundle: base64 of its PEM. */
    public String caBundle() {
        return Base64.getEncoder().encodeToString(Pem.encode(ca.certificate()).getBytes(StandardCharsets.UTF_8));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    /**
     * Answers reviews at {@code path}: the handler sees the review's request and returns the
     * response's fields (allowed, status, patch, ...); the uid is filled in here.
     */
    public void answer(String path, Function<JsonNode, ObjectNode> handler) {
        reply(path, request -> {
            ObjectNode review = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
            ObjectNode response = handler.apply(request);
            response.put("uid", request.path("uid").asText());
            review.set("response", response);
            return Json.bytes(review);
        });
    }

    /** Answers reviews at {@code path} with whatever bytes the handler makes of the review's request. */
    public void reply(String path, Function<JsonNode, byte[]> handler) {
        server.createContext(path, exchange -> serve(exchange, path, handler));
    }

    private void serve(HttpExchange exchange, String path, Function<JsonNode, byte[]> handler) throws IOException {
        try (exchange) {
            JsonNode review = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(review);
            byte[] body = handler.apply(review.path("request"));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** The reviews posted to {@code path} so far. */
    public List<JsonNode> received(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    public static ObjectNode allow() {
        return Json.object().put("allowed", true);
    }

    public static ObjectNode deny(String message) {
        ObjectNode r = Json.object().put("allowed", false);
        r.putObject("status").put("message", message);
        return r;
    }

    /** Allowed, with a JSON patch (RFC 6902) of {@code operations}. */
    public static ObjectNode patch(ArrayNode operations) {
        return allow().put("patchType", "JSONPatch")
                .put("patch", Base64.getEncoder().encodeToString(Json.bytes(operations)));
    }

    /** A local port nothing listens on: a webhook that is down. */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
