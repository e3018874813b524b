package io.kubej.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KubeconfigTest {
    @Test
    void rendersTheShapeKubectlConfigSetCommandsWrite() {
        byte[] pem = "PEM\n".getBytes(StandardCharsets.US_ASCII);
        String text = Kubeconfig.render("kubernetes-the-hard-way", "https://127.0.0.1:6443", pem, pem, pem,
                "system:kube-scheduler");
        assertThat(text).isEqualTo("""
                apiVersion: v1
                clusters:
                - cluster:
                    certificate-authority-data: UEVNCg==
                    server: https://127.0.0.1:6443
                  name: kubernetes-the-hard-way
                contexts:
                - context:
                    cluster: kubernetes-the-hard-way
                    user: system:kube-scheduler
                  name: default
                current-context: default
                kind: Config
                preferences: {}
                users:
                - name: system:kube-scheduler
                  user:
                    client-certificate-data: UEVNCg==
                    client-key-data: UEVNCg==
                """);
    }

    @Test
    void namesThatYamlWouldMisreadAreQuoted() {
        assertThat(Kubeconfig.scalar("true")).isEqualTo("\"true\"");
        assertThat(Kubeconfig.scalar("1.5")).isEqualTo("\"1.5\"");
        assertThat(Kubeconfig.scalar("a b")).isEqualTo("\"a b\"");
        assertThat(Kubeconfig.scalar("system:node:worker-0")).isEqualTo("system:node:worker-0");
    }
}
