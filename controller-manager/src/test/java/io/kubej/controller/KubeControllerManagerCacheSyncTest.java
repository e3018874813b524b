package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A controller manager whose caches can never sync (every API call fails) must not stay
 * "healthy": it reports unhealthy so that, out of process, it exits for systemd to restart.
 */
class KubeControllerManagerCacheSyncTest {

    @TempDir
    Path dir;

    @Test
    void cacheSyncTimeoutMakesControllerManagerUnhealthy() throws Exception {
        System.setProperty("kubej.inProcess", "true");
        try (StubApiServer api = new StubApiServer(500)) {
            Path kubeconfig = dir.resolve("kcm.kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: stub
                      cluster:
                        server: %s
                    users:
                    - name: kcm
                      user: {}
                    contexts:
                    - name: stub
                      context: {cluster: stub, user: kcm}
                    current-context: stub
                    """.formatted(api.client().getMasterUrl().toString()));
            KubeControllerManager kcm = new KubeControllerManager();
            new CommandLine(kcm).parseArgs("--kubeconfig=" + kubeconfig, "--leader-elect=false");
            kcm.cacheSyncTimeout = Duration.ofMillis(300);
            try {
                kcm.start();
                assertThat(kcm.isReady()).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !kcm.isReady());
                assertThat(kcm.controllersSynced()).isFalse();
            } finally {
                kcm.close();
            }
        }
    }
}
