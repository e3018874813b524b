package io.kubej.proxy;

import static io.kubej.proxy.testing.Objects.endpoints;
import static io.kubej.proxy.testing.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.proxy.iptables.Proxier;
import io.kubej.proxy.testing.NodeNetwork;
import io.kubej.proxy.util.iptables.ExecIptables;
import io.kubej.proxy.util.iptables.Iptables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kube-proxy --cleanup}, the built jar run as {@code kubej down} runs it, inside a test netns. */
class KubeProxyCleanupIT {
    private NodeNetwork net;

    @BeforeEach
    void createNode() {
        net = NodeNetwork.create();
    }

    @AfterEach
    void deleteNode() {
        net.close();
    }

    @Test
    void cleanupFlagRemovesAllKubeChainsAndJumpsAndExitsZero(@TempDir Path dir) throws Exception {
        Iptables iptables = ExecIptables.inNetns(net.nodeNetns());
        try (Proxier proxier = new Proxier(iptables, "10.200.0.0/16", 14, Duration.ofSeconds(1), Duration.ofSeconds(30))) {
            proxier.onServiceSynced();
            proxier.onEndpointsSynced();
            proxier.onServiceAdd(service("default", "web", "10.32.0.40", "http", 80, "TCP"));
            proxier.onEndpointsAdd(endpoints("default", "web", "http", 8080, "TCP", "10.200.0.2"));
            proxier.onServiceAdd(service("default", "empty", "10.32.0.41", "http", 80, "TCP"));
            proxier.syncProxyRules();
        }
        assertThat(iptables.save(Iptables.Table.NAT)).contains("KUBE-SVC-");

        Path jar = Path.of(System.getProperty("kubej.root", "..")).resolve("proxy/target/kube-proxy.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("cleanup.log");
        Process p = new ProcessBuilder("ip", "netns", "exec", net.nodeNetns(), java, "-jar", jar.toString(), "--cleanup")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();

        assertThat(iptables.save(Iptables.Table.NAT) + iptables.save(Iptables.Table.FILTER)).doesNotContain("KUBE-");
    }
}
