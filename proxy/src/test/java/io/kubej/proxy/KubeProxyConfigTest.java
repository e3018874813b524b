package io.kubej.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.component.GoDuration;
import io.kubej.proxy.apis.config.KubeProxyConfiguration;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KubeProxyConfigTest {

    private static Path hardWayConfig() throws URISyntaxException {
        return Path.of(KubeProxyConfigTest.class.getResource("/kube-proxy-config.yaml").toURI());
    }

    private static KubeProxy parse(String... args) {
        KubeProxy kp = new KubeProxy();
        new CommandLine(kp).parseArgs(args);
        return kp;
    }

    @Test
    void hardWayConfigFileIsReadWithUpstreamDefaults() throws Exception {
        KubeProxyConfiguration c = parse("--config", hardWayConfig().toString()).resolveConfig();
        assertThat(c.clientConnection.kubeconfig).isEqualTo("/var/lib/kube-proxy/kubeconfig");
        assertThat(c.effectiveMode()).isEqualTo("iptables");
        assertThat(c.clusterCIDR).isEqualTo("10.200.0.0/16");
        assertThat(c.healthzBindAddress).isEqualTo("0.0.0.0:10256");
        assertThat(c.metricsBindAddress).isEqualTo("127.0.0.1:10249");
        assertThat(c.iptables.masqueradeBit).isEqualTo(14);
        assertThat(GoDuration.parse(c.iptables.syncPeriod)).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDuration.parse(c.iptables.minSyncPeriod)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void explicitFlagsOverrideTheConfigFile() throws Exception {
        KubeProxyConfiguration c = parse("--config", hardWayConfig().toString(), "--kubeconfig", "/tmp/k",
                "--hostname-override", "worker-0", "--healthz-bind-address", "127.0.0.1:1").resolveConfig();
        assertThat(c.clientConnection.kubeconfig).isEqualTo("/tmp/k");
        assertThat(c.hostnameOverride).isEqualTo("worker-0");
        assertThat(c.healthzBindAddress).isEqualTo("127.0.0.1:1");
    }

    @Test
    void iptablesSectionOfTheConfigIsHonoured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                kind: KubeProxyConfiguration
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                clientConnection: {kubeconfig: /k}
                iptables: {masqueradeBit: 15, syncPeriod: 1m0s, minSyncPeriod: 500ms}
                metricsBindAddress: 0.0.0.0:10249
                """);
        KubeProxyConfiguration c = parse("--config", file.toString()).resolveConfig();
        assertThat(c.iptables.masqueradeBit).isEqualTo(15);
        assertThat(GoDuration.parse(c.iptables.syncPeriod)).isEqualTo(Duration.ofMinutes(1));
        assertThat(GoDuration.parse(c.iptables.minSyncPeriod)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.metricsBindAddress).isEqualTo("0.0.0.0:10249");
    }

    @Test
    void modesOtherThanIptablesAreRejectedWithAClearError() throws Exception {
        assertThatThrownBy(() -> parse("--config", hardWayConfig().toString(), "--proxy-mode", "ipvs").resolveConfig())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("\"ipvs\"").hasMessageContaining("only \"iptables\"");
    }

    @Test
    void ipvsModeExitsWithUsageErrorCode() throws Exception {
        int code = new CommandLine(new KubeProxy()).execute("--config", hardWayConfig().toString(), "--proxy-mode", "nftables");
        assertThat(code).isEqualTo(2);
    }

    @Test
    void goDurationsAreParsed() {
        assertThat(GoDuration.parse("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> GoDuration.parse("30 seconds")).isInstanceOf(IllegalArgumentException.class);
    }
}
