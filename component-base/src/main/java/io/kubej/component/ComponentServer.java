package io.kubej.component;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's window into a component: {@code /healthz}, {@code /livez}, {@code /readyz} and
 * {@code /metrics} (Prometheus text format).
 *
 * <p>Why a separate small server: upstream components serve these on their own port. kube-proxy
 * (10249 metrics, 10256 health) and the kubelet's healthz port (10248) are plain HTTP, started
 * with {@link #start(Component, String, int)}; kube-controller-manager (10257) and kube-scheduler
 * (10259) serve HTTPS with authentication and authorization in front
 * ({@link io.kubej.component.server.SecureServing}), which hands its server and filter in here.
 */
public final class ComponentServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Supplier<String>> extraPaths = new ConcurrentHashMap<>();
    private final List<AutoCloseable> resources;

    private ComponentServer(HttpServer server, List<AutoCloseable> resources) {
        this.server = server;
        this.resources = List.copyOf(resources);
    }

    /** Starts serving health for {@code component} over plain HTTP on host:port (port 0 picks a free one). */
    public static ComponentServer start(Component component, String host, int port) throws IOException {
        return start(component, HttpServer.create(new InetSocketAddress(host, port), 0), List.of(), List.of());
    }

    /**
     * Serves the component's paths on a created, not yet started server (plain or HTTPS), each
     * request passing {@code filters} first; {@code resources} are closed with the server.
     */
    public static ComponentServer start(Component component, HttpServer server, List<Filter> filters, List<AutoCloseable> resources) {
        ComponentServer cs = new ComponentServer(server, resources);
        HttpContext root = server.createContext("/", ex -> cs.handle(ex, component));
        root.getFilters().addAll(filters);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return cs;
    }

    /** One handler for every path, matched exactly (a context per path would also match /healthzfoo). */
    private void handle(HttpExchange ex, Component component) throws IOException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/healthz", "/readyz" -> health(ex, component);
            case "/livez" -> reply(ex, 200, "ok");
            case "/metrics" -> metrics(ex);
            default -> {
                Supplier<String> extra = extraPaths.get(path);
                if (extra != null) {
                    reply(ex, 200, extra.get());
                } else {
                    reply(ex, 404, "404 page not found");
                }
            }
        }
    }

    /** Serves a small text endpoint, e.g. kube-proxy's {@code /proxyMode}. */
    public ComponentServer serve(String path, Supplier<String> body) {
        extraPaths.put(path, body);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex, Component component) throws IOException {
        boolean ready = component.isReady();
        reply(ex, ready ? 200 : 503, ready ? "ok" : component.name() + " is not ready");
    }

    private static void metrics(HttpExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, PrometheusRegistry.defaultRegistry.scrape());
        ex.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
        byte[] body = out.toByteArray();
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private static void reply(HttpExchange ex, int code, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // releasing clients on the way out
            }
        }
    }
}
