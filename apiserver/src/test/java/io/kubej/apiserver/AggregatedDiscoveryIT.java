package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregated discovery: one request for every group, version and resource, in the version the
 * client asks for; kubectl 1.27 (v2beta1) and 1.33 (v2) then skip the per-group-version requests.
 */
class AggregatedDiscoveryIT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiServerUnderTest.start(dir);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static ApiServerUnderTest.Http get(String path, String accept) throws Exception {
        List<String> args = List.of("-H", "Accept: " + accept, "-D", dir.resolve("headers.txt").toString(),
                "--cert", dir.resolve("pki/admin.pem").toString(), "--key", dir.resolve("pki/admin-key.pem").toString());
        return api.curlWith(args, path);
    }

    @Test
    void theWholeApiInOneDocument() throws Exception {
        ApiServerUnderTest.Http apis = get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        assertThat(apis.code()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("headers.txt")).toLowerCase())
                .contains("content-type: application/json;g=apidiscovery.k8s.io;v=v2;as=apigroupdiscoverylist");
        JsonNode doc = Json.MAPPER.readTree(apis.body());
        assertThat(doc.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(doc.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        JsonNode apps = null;
        for (JsonNode g : doc.path("items")) {
            if (g.path("metadata").path("name").asText().equals("apps")) {
                apps = g;
            }
        }
        assertThat(apps).isNotNull();
        JsonNode deployments = null;
        for (JsonNode r : apps.path("versions").get(0).path("resources")) {
            if (r.path("resource").asText().equals("deployments")) {
                deployments = r;
            }
        }
        assertThat(deployments.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(deployments.path("responseKind").path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployments.path("shortNames").toString()).contains("deploy");
        assertThat(deployments.path("subresources").toString())
                .contains("\"subresource\":\"scale\"").contains("\"group\":\"autoscaling\"").contains("\"kind\":\"Scale\"");

        ApiServerUnderTest.Http core = get("/api", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        JsonNode legacy = Json.MAPPER.readTree(core.body());
        assertThat(legacy.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
        assertThat(legacy.path("items").get(0).path("versions").get(0).path("version").asText()).isEqualTo("v1");
        assertThat(legacy.toString()).contains("\"resource\":\"pods\"").contains("\"resource\":\"bindings\"");
        // without the parameters, the classic documents
        assertThat(get("/apis", "application/json").body()).contains("\"kind\":\"APIGroupList\"");
    }

    @Test
    void kubectlOldAndNewUseItAndSkipThePerGroupRequests() throws Exception {
        Path kubectlDir = Path.of(new ProcessBuilder("sh", "-c", "dirname \"$(readlink -f \"$(command -v kubectl)\")\"").start()
                .inputReader().readLine());
        int ran = 0;
        for (String version : List.of("1.27", "1.33")) {
            Path binary = kubectlDir.resolve("kubectl." + version);
            if (!Files.isExecutable(binary)) {
                continue; // a machine without the older kubectls still checks the default one below
            }
            ran++;
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", api.kubeconfig.toString(),
                    "--cache-dir", dir.resolve("cache-" + version).toString(), "-v=6", "get", "deployments", "-A"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(version + ": " + out).isZero();
            assertThat(out).as(version).contains("/apis?timeout").doesNotContain("/apis/apps/v1?timeout");
        }
        if (ran == 0) {
            ApiServerUnderTest.Result r = api.kubectl("-v=6", "get", "deployments", "-A");
            assertThat(r.out()).contains("/apis?timeout").doesNotContain("/apis/apps/v1?timeout");
        }
    }
}
