package io.kubej.testcluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.component.Component;
import io.kubej.component.ComponentServer;
import io.kubej.component.server.DelegatingAuthenticationOptions;
import io.kubej.component.server.DelegatingAuthorizationOptions;
import io.kubej.component.server.SecureServing;
import io.kubej.component.server.SecureServingOptions;
import io.kubej.testcluster.Ports;
import org.junit.jupiter.api.Test;

class ProbesTest {
    private static final class Stub implements Component {
        volatile boolean ready;

        @Override
        public String name() {
            return "kube-test";
        }

        @Override
        public void start() {
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSecurePortWithItsSelfSignedCertificateIsProbedOverHttpsWithoutCredentials() throws Exception {
        Stub component = new Stub();
        SecureServingOptions options = new SecureServingOptions("kube-test", Ports.free());
        options.bindAddress = "127.0.0.1";
        // as the hard way's units run the controller manager and scheduler: no kubeconfigs for authentication or authorization
        try (ComponentServer server = SecureServing.start(component, options, new DelegatingAuthenticationOptions().build("kube-test"),
                new DelegatingAuthorizationOptions().build("kube-test"))) {
            String healthz = "https://127.0.0.1:" + server.port() + "/healthz";
            assertThat(Probes.httpOk(healthz)).isFalse(); // 503 until ready
            component.ready = true;
            assertThat(Probes.httpOk(healthz)).isTrue();
            assertThat(Probes.httpOk("http://127.0.0.1:" + server.port() + "/healthz")).isFalse();
            assertThat(Probes.httpOk("https://127.0.0.1:" + server.port() + "/metrics")).isFalse(); // 403 to anonymous
        }
    }

    @Test
    void aPlainHttpHealthPortIsProbedOverHttp() throws Exception {
        Stub component = new Stub();
        component.ready = true;
        try (ComponentServer server = ComponentServer.start(component, "127.0.0.1", 0)) {
            assertThat(Probes.httpOk("http://127.0.0.1:" + server.port() + "/healthz")).isTrue();
        }
    }
}
