package io.kubej.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.component.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletConfigurationTest {

    @Test
    void goDurationsParse() {
        assertThat(KubeletConfiguration.goDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(KubeletConfiguration.goDuration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
        assertThat(KubeletConfiguration.goDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> KubeletConfiguration.goDuration("10 s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHardWaysKubeletConfigReadsWithUpstreamDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kubelet-config.yaml");
        Files.writeString(file, """
                kind: KubeletConfiguration
                apiVersion: kubelet.config.k8s.io/v1beta1
                authentication:
                  anonymous:
                    enabled: false
                authorization:
                  mode: Webhook
                clusterDomain: "cluster.local"
                clusterDNS:
                  - "10.32.0.10"
                podCIDR: "10.200.0.0/24"
                resolvConf: "/run/systemd/resolve/resolv.conf"
                runtimeRequestTimeout: "15m"
                tlsCertFile: "/var/lib/kubelet/worker-0.pem"
                """);
        KubeletConfiguration c = ConfigFiles.read(file, KubeletConfiguration.class);
        assertThat(c.podCIDR).isEqualTo("10.200.0.0/24");
        assertThat(c.clusterDNS).containsExactly("10.32.0.10");
        assertThat(c.authorization.path("mode").asText()).isEqualTo("Webhook");
        assertThat(c.port).isEqualTo(10250);
        assertThat(c.healthzPort).isEqualTo(10248);
        assertThat(c.nodeLeaseDurationSeconds).isEqualTo(40);
        assertThat(KubeletConfiguration.goDuration(c.nodeStatusUpdateFrequency)).isEqualTo(Duration.ofSeconds(10));
    }
}
