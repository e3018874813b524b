package io.kubej.component.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SecureServingFlagsTest {

    @Command(name = "kube-test")
    static final class Flags {
        @Mixin
        SecureServingOptions serving = new SecureServingOptions("kube-test", 10257);
        @Mixin
        DelegatingAuthenticationOptions authn = new DelegatingAuthenticationOptions();
        @Mixin
        DelegatingAuthorizationOptions authz = new DelegatingAuthorizationOptions();
    }

    private static Flags parse(String... args) {
        Flags f = new Flags();
        new CommandLine(f).parseArgs(args);
        return f;
    }

    @Test
    void defaultsAreUpstreams() {
        Flags f = parse();
        assertThat(f.serving.bindAddress).isEqualTo("0.0.0.0");
        assertThat(f.serving.bindPort).isEqualTo(10257);
        assertThat(f.serving.certDir).isEmpty();
        assertThat(f.authn.cacheTtl).isEqualTo("10s");
        assertThat(f.authn.requestheaderUsernameHeaders).containsExactly("x-remote-user");
        assertThat(f.authn.requestheaderGroupHeaders).containsExactly("x-remote-group");
        assertThat(f.authn.requestheaderExtraHeadersPrefix).containsExactly("x-remote-extra-");
        assertThat(f.authn.skipLookup).isFalse();
        assertThat(f.authn.tolerateLookupFailure).isFalse();
        assertThat(f.authz.alwaysAllowPaths).containsExactly("/healthz", "/readyz", "/livez");
        assertThat(f.authz.allowedTtl).isEqualTo("10s");
        assertThat(f.authz.deniedTtl).isEqualTo("10s");
    }

    @Test
    void kubeadmsFlagsAreAccepted() {
        Flags f = parse("--bind-address=127.0.0.1", "--secure-port=0",
                "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
                "--requestheader-allowed-names=front-proxy-client", "--requestheader-username-headers=X-Remote-User",
                "--authorization-always-allow-paths=/healthz,/metrics", "--authentication-tolerate-lookup-failure",
                "--authentication-skip-lookup=true", "--authorization-webhook-cache-unauthorized-ttl=30s");
        assertThat(f.serving.enabled()).isFalse();
        assertThat(f.authn.kubeconfig).isEqualTo(Path.of("/etc/kubernetes/controller-manager.conf"));
        assertThat(f.authn.requestheaderAllowedNames).containsExactly("front-proxy-client");
        assertThat(f.authn.requestheaderUsernameHeaders).containsExactly("X-Remote-User");
        assertThat(f.authn.tolerateLookupFailure).isTrue();
        assertThat(f.authn.skipLookup).isTrue();
        assertThat(f.authz.alwaysAllowPaths).containsExactly("/healthz", "/metrics");
        assertThat(f.authz.deniedTtl).isEqualTo("30s");
    }

    @Test
    void theSchedulerToleratesAFailedLookupByDefault() {
        assertThat(DelegatingAuthenticationOptions.toleratingLookupFailure().tolerateLookupFailure).isTrue();
    }
}
