package io.kubej.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A scheduler whose caches can never sync (every API call fails with 500) must not stay
 * "healthy": it reports unhealthy so that, out of process, it exits for systemd to restart.
 */
class KubeSchedulerCacheSyncTest {

    @TempDir
    Path dir;

    @Test
    void cacheSyncTimeoutMakesSchedulerUnhealthy() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        KubeScheduler scheduler = new KubeScheduler();
        try {
            Path kubeconfig = dir.resolve("scheduler.kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: stub
                      cluster:
                        server: http://127.0.0.1:%d
                    users:
                    - name: scheduler
                      user: {}
                    contexts:
                    - name: stub
                      context: {cluster: stub, user: scheduler}
                    current-context: stub
                    """.formatted(api.getAddress().getPort()));
            new CommandLine(scheduler).parseArgs("--kubeconfig=" + kubeconfig, "--leader-elect=false");
            scheduler.cacheSyncTimeout = Duration.ofMillis(300);
            scheduler.start();
            assertThat(scheduler.isReady()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !scheduler.isReady());
            assertThat(scheduler.isScheduling()).isFalse();
        } finally {
            scheduler.close();
            api.stop(0);
        }
    }
}
