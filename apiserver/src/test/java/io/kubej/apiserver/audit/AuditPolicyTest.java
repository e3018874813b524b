package io.kubej.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit policy's first-match rules, and the log's rotation. */
class AuditPolicyTest {
    @TempDir
    Path dir;

    private AuditPolicy policy(String yaml) throws Exception {
        Path f = dir.resolve("policy.yaml");
        Files.writeString(f, yaml);
        return AuditPolicy.load(f);
    }

    private static RequestInfo req(String verb, String group, String ns, String resource, String sub) {
        return new RequestInfo(true, group, "v1", ns, resource, "x", sub, verb, List.of());
    }

    @Test
    void theFirstMatchingRuleDecides() throws Exception {
        AuditPolicy p = policy("""
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: None
                  users: [system:kube-proxy]
                  verbs: [watch]
                - level: None
                  nonResourceURLs: ["/healthz*"]
                - level: RequestResponse
                  resources: [{group: "", resources: [pods/log, "*/status"]}]
                - level: Request
                  namespaces: [prod]
                  omitStages: [ResponseStarted]
                - level: Metadata
                """);
        UserInfo proxy = new UserInfo("system:kube-proxy", List.of());
        UserInfo alice = new UserInfo("alice", List.of());
        assertThat(p.decide(proxy, req("watch", "", "", "services", "")).level()).isEqualTo(AuditPolicy.Level.None);
        assertThat(p.decide(proxy, req("list", "", "", "services", "")).level()).isEqualTo(AuditPolicy.Level.Metadata);
        assertThat(p.decide(alice, new RequestInfo(false, "", "", "", "", "", "", "get", List.of("healthz", "etcd"))).level())
                .isEqualTo(AuditPolicy.Level.None);
        assertThat(p.decide(alice, req("get", "", "a", "pods", "log")).level()).isEqualTo(AuditPolicy.Level.RequestResponse);
        assertThat(p.decide(alice, req("update", "", "a", "nodes", "status")).level()).isEqualTo(AuditPolicy.Level.RequestResponse);
        assertThat(p.decide(alice, req("get", "apps", "a", "deployments", "status")).level()).isEqualTo(AuditPolicy.Level.Metadata);
        AuditPolicy.Decision prod = p.decide(alice, req("create", "apps", "prod", "deployments", ""));
        assertThat(prod.level()).isEqualTo(AuditPolicy.Level.Request);
        assertThat(prod.omitStages()).containsExactlyInAnyOrder("RequestReceived", "ResponseStarted");
    }

    @Test
    void aBrokenPolicyNamesTheProblem() {
        assertThatThrownBy(() -> policy("kind: Policy\nrules: [{level: Everything}]"))
                .hasMessageContaining("rules[0].level").hasMessageContaining("Everything");
        assertThatThrownBy(() -> policy("kind: ConfigMap")).hasMessageContaining("not an audit.k8s.io/v1 Policy");
    }

    @Test
    void theLogRotatesAndKeepsItsBackups() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = new AuditLog(file.toString(), 1, 2, 30)) {
            byte[] event = ("{\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes();
            for (int i = 0; i < 40; i++) {
                log.write(event);
            }
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().startsWith("audit")).toList();
        }
        assertThat(files).contains(file).hasSize(3); // the live file and --audit-log-maxbackup=2 backups
        assertThat(Files.size(file)).isLessThanOrEqualTo(1024 * 1024);
    }
}
