package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auditing with the hard way's --audit-log-* flags and a Metadata policy: a scripted kubectl
 * session leaves one ResponseComplete event per request it made, with who, what and the code,
 * and never a Secret's data, even where the policy asks for bodies.
 */
class AuditIT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest api;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        Path policy = dir.resolve("audit-policy.yaml");
        Files.writeString(policy, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: None
                  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
                - level: RequestResponse
                  resources: [{group: "", resources: [secrets]}]
                - level: Metadata
                """);
        log = dir.resolve("log/audit.log");
        api = ApiServerUnderTest.start(dir, flags -> {
            flags.auditPolicyFile = policy.toFile();
            flags.auditLogPath = log.toString();
            flags.auditLogMaxage = 30;
            flags.auditLogMaxbackup = 3;
            flags.auditLogMaxsize = 100;
        });
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static List<JsonNode> events() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void aKubectlSessionLeavesOneMetadataEventPerRequestAndNoSecretData() throws Exception {
        String ns = api.newNamespace();
        long before = events().size();
        // a user of its own, so the session's events are told apart from everyone else's
        Path session0 = api.user("auditor-" + ns, "auditor-" + ns, "system:masters");
        String user = "auditor-" + ns;
        List<String[]> session = List.of(
                new String[] {"create", "configmap", "settings", "--from-literal=a=b"},
                new String[] {"create", "secret", "generic", "db", "--from-literal=password=hunter2-very-secret"},
                new String[] {"get", "secret", "db", "-o", "yaml"},
                new String[] {"delete", "configmap", "settings"});
        for (String[] step : session) {
            List<String> args = new ArrayList<>(List.of("-n", ns));
            args.addAll(List.of(step));
            ApiServerUnderTest.Result r = api.kubectlAs(session0, args.toArray(String[]::new));
            assertThat(r.exit()).as(r.out()).isZero();
        }
        List<JsonNode> mine = events().stream().skip(before)
                .filter(e -> e.path("user").path("username").asText().equals(user)).toList();
        assertThat(mine).isNotEmpty();
        // one event per request (RequestReceived is omitted), each a complete Metadata-or-capped record
        assertThat(mine).allSatisfy(e -> {
            assertThat(e.path("stage").asText()).isEqualTo("ResponseComplete");
            assertThat(e.path("auditID").asText()).isNotEmpty();
            assertThat(e.path("user").path("groups").toString()).contains("system:masters");
            assertThat(e.path("userAgent").asText()).startsWith("kubectl");
            assertThat(e.path("requestReceivedTimestamp").asText()).isNotEmpty();
            assertThat(e.path("sourceIPs").toString()).contains("127.0.0.1");
            assertThat(e.path("responseStatus").path("code").asInt()).isPositive();
        });
        assertThat(mine.stream().map(e -> e.path("auditID").asText()).distinct().count()).isEqualTo(mine.size());
        assertThat(mine).anySatisfy(e -> {
            assertThat(e.path("verb").asText()).isEqualTo("create");
            assertThat(e.path("objectRef").path("resource").asText()).isEqualTo("configmaps");
            assertThat(e.path("objectRef").path("namespace").asText()).isEqualTo(ns);
            assertThat(e.path("level").asText()).isEqualTo("Metadata");
            assertThat(e.has("requestObject")).isFalse();
        });
        assertThat(mine).anySatisfy(e -> {
            assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(201);
            assertThat(e.path("verb").asText()).isEqualTo("create");
        });
        assertThat(mine).anySatisfy(e -> {
            assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(200);
            assertThat(e.path("verb").asText()).isEqualTo("delete");
            assertThat(e.path("objectRef").path("name").asText()).isEqualTo("settings");
        });
        // the policy asked for RequestResponse on secrets; kubej caps them at Metadata
        List<JsonNode> secrets = mine.stream().filter(e -> e.path("objectRef").path("resource").asText().equals("secrets")).toList();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(2).allSatisfy(e -> assertThat(e.path("level").asText()).isEqualTo("Metadata"));
        String whole = Files.readString(log);
        assertThat(whole).doesNotContain("hunter2-very-secret")
                .doesNotContain(java.util.Base64.getEncoder().encodeToString("hunter2-very-secret".getBytes()));
    }

    @Test
    void requestsNoRuleAuditsLeaveNothing() throws Exception {
        long before = events().size();
        assertThat(api.curl("GET", "/healthz").code()).isEqualTo(200);
        assertThat(events().stream().skip(before).filter(e -> e.path("requestURI").asText().startsWith("/healthz"))).isEmpty();
    }
}
