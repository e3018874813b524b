package io.kubej.testcluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node runtime pieces against the real docker-registry, skopeo and containerd. */
class NodeRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void builtImagesArePushedToTheLocalRegistry() throws Exception {
        Images images = new Images(dir.resolve("cache"));
        try (Registry registry = Registry.start(dir.resolve("registry"), Ports.free())) {
            images.pushAll(registry);
            try (HttpClient http = HttpClient.newHttpClient()) {
                for (String path : List.of("/v2/library/sshsrv/manifests/v1", "/v2/pause/manifests/3.6")) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                            .header("Accept", Images.MANIFEST_TYPE).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    assertThat(r.body()).contains(Images.LAYER_TYPE);
                }
            }
        }
    }

    @Test
    void secondBuildOfAnImageIsServedFromTheCache() throws Exception {
        Images images = new Images(dir.resolve("cache"));
        Path first = images.build(Images.SSHSRV);
        long before = Files.getLastModifiedTime(first.resolve("index.json")).toMillis();
        Path second = images.build(Images.SSHSRV);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.resolve("index.json")).toMillis()).isEqualTo(before);
        // the layer is root-owned: sshd refuses files owned by others
        String listing = HostCommands.check(List.of("sh", "-c", "for b in " + first + "/blobs/sha256/*; do "
                + "tar -tzvf $b 2>/dev/null; done | grep ' ./usr/sbin/dropbear'"), Duration.ofSeconds(120));
        assertThat(listing).contains("0/0");
    }

    @Test
    void containerdServesOnItsOwnSocketAndRendersTheNodesCniConfig() throws Exception {
        Containerd.Spec spec = Containerd.Spec.unique(dir.resolve("containerd"), 5999);
        try (Containerd containerd = Containerd.start(spec)) {
            assertThat(Files.exists(containerd.socket())).isTrue();
            assertThat(HostCommands.run(List.of("ctr", "--address", containerd.socket().toString(), "version")).ok()).isTrue();
            String bridge = Files.readString(spec.dir().resolve("cni/net.d/10-bridge.conf"));
            assertThat(bridge).contains(spec.podCidr()).contains(spec.bridgeName()).contains(spec.networkName());
            assertThat(Files.readString(spec.dir().resolve("config.toml")))
                    .contains("restrict_oom_score_adj = true")
                    .contains("certs.d");
            assertThat(Files.readString(spec.dir().resolve("certs.d/docker.io/hosts.toml"))).contains("http://127.0.0.1:5999");
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(spec.dir().toString());
    }

    @Test
    void iptablesRuleSplittingKeepsQuotedComments() {
        assertThat(Containerd.splitRule("-s 10.1.0.2/32 -m comment --comment \"name: \\\"kubej-x\\\" id: \\\"abc\\\"\" -j CNI-12"))
                .containsExactly("-s", "10.1.0.2/32", "-m", "comment", "--comment", "name: \"kubej-x\" id: \"abc\"", "-j", "CNI-12");
    }
}
