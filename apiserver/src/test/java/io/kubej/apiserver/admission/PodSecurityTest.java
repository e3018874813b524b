package io.kubej.apiserver.admission;

import static io.kubej.apiserver.admission.DefaultingPluginsTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Pod Security Standards' checks, level by level. */
class PodSecurityTest {
    @Test
    void privilegedAllowsEverythingAndBaselineRefusesBreakouts() throws Exception {
        var pod = yaml("""
                spec:
                  hostPID: true
                  volumes: [{name: root, hostPath: {path: /}}]
                  securityContext: {sysctls: [{name: kernel.msgmax, value: '1'}]}
                  containers:
                  - name: c
                    ports: [{containerPort: 80, hostPort: 8080}]
                    securityContext: {capabilities: {add: [NET_ADMIN, CHOWN]}, procMount: Unmasked}
                """);
        assertThat(PodSecurity.check(pod, "privileged")).isEmpty();
        assertThat(PodSecurity.check(pod, "baseline")).containsExactly(
                "host namespaces (hostPID=true)",
                "non-default capabilities (container \"c\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)",
                "hostPath volumes (volume \"root\")",
                "hostPort (container \"c\" uses hostPort 8080)",
                "procMount (container \"c\" must not set securityContext.procMount to a value other than \"Default\")",
                "forbidden sysctls (kernel.msgmax)");
    }

    @Test
    void restrictedWantsHardening() throws Exception {
        var plain = yaml("{spec: {containers: [{name: a}, {name: b}], volumes: [{name: n, nfs: {server: x, path: /}}]}}");
        assertThat(PodSecurity.check(plain, "baseline")).isEmpty();
        assertThat(PodSecurity.check(plain, "restricted")).containsExactly(
                "restricted volume types (volume \"n\" uses restricted volume type \"nfs\")",
                "allowPrivilegeEscalation != false (containers \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false)",
                "unrestricted capabilities (containers \"a\", \"b\" must set securityContext.capabilities.drop=[\"ALL\"])",
                "runAsNonRoot != true (pod or containers \"a\", \"b\" must set securityContext.runAsNonRoot=true)",
                "seccompProfile (pod or containers \"a\", \"b\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        var hardened = yaml("""
                spec:
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: a
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
                """);
        assertThat(PodSecurity.check(hardened, "restricted")).isEmpty();
    }
}
