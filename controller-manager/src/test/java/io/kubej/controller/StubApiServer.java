package io.kubej.controller;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An API server stub that answers every request with one HTTP status and records what was
 * asked ("METHOD /path"), for testing how a controller's sync handles API failures. Requests
 * given an {@link #answer} get that object with 200 instead.
 */
public final class StubApiServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final KubernetesClient client;

    public StubApiServer(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            requests.add(request);
            String answer = answers.get(request);
            byte[] body = (answer != null ? answer
                    : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + status + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer != null ? 200 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    /** Answers {@code request} ("GET /api/v1/...") with {@code obj} and 200. */
    public StubApiServer answer(String request, HasMetadata obj) {
        answers.put(request, Serialization.asJson(obj));
        return this;
    }

    public KubernetesClient client() {
        return client;
    }

    /** The API requests, apart from Events (recorded asynchronously). */
    public List<String> requests() {
        return requests.stream().filter(r -> !r.contains("/events")).toList();
    }

    /** Puts {@code obj} in a never-started informer's cache, as its first list would. */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> void cache(SharedIndexInformer<T> informer, T obj) {
        ((CacheImpl<T>) informer.getIndexer()).put(obj);
    }

    @Override
    public void close() {
        client.close();
        server.stop(0);
    }
}
