package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubej.pki.Pem;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure port speaks HTTP/2 to a client that offers h2 by ALPN, as upstream's does: the
 * same answers as over HTTP/1.1, watches as streams that end when the client cancels them, and
 * many requests multiplexed on one connection.
 */
class Http2IT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest server;
    static HttpClient h2;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        server = ApiServerUnderTest.start(dir);
        h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(adminTls())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (h2 != null) {
            h2.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The admin's client certificate and the cluster CA, as a JDK TLS context. */
    private static SSLContext adminTls() throws Exception {
        Path pki = dir.resolve("pki");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("admin", Pem.readPrivateKey(pki.resolve("admin-key.pem")), new char[0],
                new Certificate[] {Pem.readCertificate(pki.resolve("admin.pem"))});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(pki.resolve("ca.pem")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return tls;
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.apiserver.port() + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = request(path).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return h2.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"" + value + "\"}}";
    }

    /** A counter or gauge's value in /metrics, read over the test's own HTTP/2 connection. */
    private static double metric(String name, String label) throws Exception {
        String text = send("GET", "/metrics", null, null).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aClientOfferingH2IsAnsweredOverH2() throws Exception {
        HttpResponse<String> version = send("GET", "/version", null, null);

        assertThat(version.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(version.body()).path("major").asText()).isNotEmpty();
        assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aClientOfferingOnlyHttp11StillGetsHttp11() throws Exception {
        try (HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(adminTls()).build()) {
            HttpResponse<String> r = h1.send(request("/api/v1/namespaces/default").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("metadata").path("name").asText()).isEqualTo("default");
        }
    }

    @Test
    void createGetPatchListDeleteAndErrorsOverH2AnswerAsOverHttp11() throws Exception {
        String ns = server.newNamespace();
        String base = "/api/v1/namespaces/" + ns + "/configmaps";

        HttpResponse<String> created = send("POST", base, "application/json", configMap("one", "a"));
        assertThat(created.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(created.statusCode()).isEqualTo(201);

        HttpResponse<String> got = send("GET", base + "/one", null, null);
        assertThat(got.statusCode()).isEqualTo(200);
        // the same object, byte for byte, as an HTTP/1.1 client reads it
        ApiServerUnderTest.Http overHttp11 = server.curlWith(List.of("--http1.1", "--cert", dir.resolve("pki/admin.pem").toString(),
                "--key", dir.resolve("pki/admin-key.pem").toString()), base + "/one");
        assertThat(overHttp11.code()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(overHttp11.body());

        HttpResponse<String> patched = send("PATCH", base + "/one", "application/merge-patch+json", "{\"data\":{\"k\":\"b\"}}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).path("data").path("k").asText()).isEqualTo("b");

        HttpResponse<String> list = send("GET", base, null, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).path("items")).extracting(i -> i.path("metadata").path("name").asText()).containsExactly("one");

        HttpResponse<String> conflict = send("POST", base, "application/json", configMap("one", "c"));
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(conflict.body()).path("reason").asText()).isEqualTo("AlreadyExists");

        HttpResponse<String> invalid = send("POST", base, "application/json", configMap("Not_A_Name", "c"));
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).path("reason").asText()).isEqualTo("Invalid");

        assertThat(send("DELETE", base + "/one", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> gone = send("GET", base + "/one", null, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(gone.body()).path("reason").asText()).isEqualTo("NotFound");
    }

    @Test
    void aRequestWithoutCredentialsOverH2Is401() throws Exception {
        SSLContext caOnly = SSLContext.getInstance("TLS");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(dir.resolve("pki/ca.pem")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        caOnly.init(null, tmf.getTrustManagers(), null);
        try (HttpClient anonymous = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(caOnly).build()) {
            HttpResponse<String> r = anonymous.send(request("/api/v1/namespaces").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void aWatchOverH2StreamsEventsAndEndsWhenTheClientCancelsTheStream() throws Exception {
        String ns = server.newNamespace();
        String base = "/api/v1/namespaces/" + ns + "/configmaps";
        double openBefore = metric("kubej_apiserver_open_watch_streams", "transport=\"h2\"");

        HttpResponse<InputStream> watch = h2.send(request(base + "?watch=true").timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(watch.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(watch.statusCode()).isEqualTo(200);
        BufferedReader events = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("kubej_apiserver_open_watch_streams", "transport=\"h2\"") == openBefore + 1);

        assertThat(send("POST", base, "application/json", configMap("watched", "a")).statusCode()).isEqualTo(201);
        JsonNode added = JSON.readTree(events.readLine());
        assertThat(added.path("type").asText()).isEqualTo("ADDED");
        assertThat(added.path("object").path("metadata").path("name").asText()).isEqualTo("watched");
        assertThat(send("DELETE", base + "/watched", null, null).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(events.readLine()).path("type").asText()).isEqualTo("DELETED");

        // closing the body before its end makes the JDK client reset the stream (RST_STREAM CANCEL)
        watch.body().close();

        await().atMost(Duration.ofSeconds(10)).until(() -> metric("kubej_apiserver_open_watch_streams", "transport=\"h2\"") == openBefore);
        // the connection itself lives on for further requests
        assertThat(send("GET", base, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aHundredConcurrentCreatesShareOneH2Connection() throws Exception {
        String ns = server.newNamespace();
        String base = "/api/v1/namespaces/" + ns + "/configmaps";
        double h2Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"");
        double h1Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"");

        List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            creates.add(h2.sendAsync(request(base).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(configMap("cm-" + i, "v"))).build(), HttpResponse.BodyHandlers.ofString()));
        }

        for (CompletableFuture<HttpResponse<String>> c : creates) {
            HttpResponse<String> r = c.join();
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThat(JSON.readTree(send("GET", base, null, null).body()).path("items").size()).isEqualTo(100);
        assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"")).isEqualTo(h2Before);
        assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"")).isEqualTo(h1Before);
    }

    @Test
    void kubectl127And133SpeakH2ToTheApiServer() throws Exception {
        for (String minor : List.of("1.27", "1.33")) {
            double h2Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"");
            double h1Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"");

            ApiServerUnderTest.Result r = server.kubectlVersion(minor, "get", "namespaces");

            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("default");
            assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"")).as("kubectl " + minor).isGreaterThan(h2Before);
            assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"")).as("kubectl " + minor).isEqualTo(h1Before);
        }
    }

    /**
     * Not a wish but what is: fabric8 7.4's vert.x client leaves vert.x's defaults (HTTP/1.1,
     * no ALPN) and only ever forces HTTP/1.1 ({@code http2Disable}), so it gets HTTP/1.1 and
     * one connection per concurrent request. When it learns h2 this test says so.
     */
    @Test
    void theFabric8ClientStillOffersOnlyHttp11() throws Exception {
        double h2Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"");
        double h1Before = metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"");

        try (var fabric8 = io.kubej.client.Clients.fromKubeconfig(server.kubeconfig, "kubej-test-fabric8")) {
            assertThat(fabric8.namespaces().withName("default").get()).isNotNull();
        }

        assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"http/1.1\"")).isGreaterThan(h1Before);
        assertThat(metric("kubej_apiserver_tls_connections_total", "protocol=\"h2\"")).isEqualTo(h2Before);
    }
}
