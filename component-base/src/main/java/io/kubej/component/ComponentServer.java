package io.kubej.component;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's window into a component: {@code /healthz}, {@code /livez}, {@code /readyz} and
 * {@code /metrics} (Prometheus text format).
 *
 * <p>Why a separate small server: upstream components serve these on their own port (kube-proxy
 * 10256/10249, scheduler 10259, controller-manager 10257). kubej serves them over plain HTTP on
 * the address given; the API server serves them on its secure port as well.
 */
public final class ComponentServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Supplier<String>> extraPaths = new ConcurrentHashMap<>();

    private ComponentServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving health for {@code component} on host:port (port 0 picks a free one). */
    public static ComponentServer start(Component component, String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ComponentServer cs = new ComponentServer(server);
        server.createContext("/healthz", ex -> cs.health(ex, component));
        server.createContext("/livez", ex -> reply(ex, 200, "ok"));
        server.createContext("/readyz", ex -> cs.health(ex, component));
        server.createContext("/metrics", ComponentServer::metrics);
        server.createContext("/", ex -> {
            Supplier<String> extra = cs.extraPaths.get(ex.getRequestURI().getPath());
            if (extra != null) {
                reply(ex, 200, extra.get());
            } else {
                reply(ex, 404, "404 page not found");
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return cs;
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
    }
}
