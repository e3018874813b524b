package io.kubej.testcluster.node;

import io.kubej.testcluster.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The node's image registry: Debian's {@code docker-registry} (the CNCF distribution registry)
 * serving plain HTTP on 127.0.0.1.
 *
 * <p>Why: no public registry is reachable here, yet pods should pull images the way they do in
 * a real cluster. kubej builds its test images locally ({@link Images}), pushes them here, and
 * containerd's registry mirrors for docker.io / registry.k8s.io / k8s.gcr.io point at it.
 */
public final class Registry implements AutoCloseable {
    private final ManagedProcess process;
    private final int port;

    private Registry(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry on 127.0.0.1:{@code port}; its config, storage and log live under {@code dir}. */
    public static Registry start(Path dir, int port) throws IOException {
        Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("storage").toAbsolutePath(), port));
        ManagedProcess p = ManagedProcess.start("docker-registry",
                List.of("docker-registry", "serve", config.toString()), dir.resolve("registry.log"));
        Registry registry = new Registry(p, port);
        try {
            p.awaitReady(Duration.ofSeconds(30), registry::answersV2);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return registry;
    }

    /** The distribution API's base endpoint answers 200 once the registry serves. */
    private boolean answersV2() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as used in image references and containerd mirror entries. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://" + hostPort();
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
