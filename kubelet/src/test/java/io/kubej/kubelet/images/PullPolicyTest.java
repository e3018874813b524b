package io.kubej.kubelet.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PullPolicyTest {
    @Test
    void untaggedAndLatestImagesArePulledAlwaysOthersIfNotPresent() {
        assertThat(PullPolicy.defaultFor("sshsrv")).isEqualTo("Always");
        assertThat(PullPolicy.defaultFor("sshsrv:latest")).isEqualTo("Always");
        assertThat(PullPolicy.defaultFor("sshsrv:v1")).isEqualTo("IfNotPresent");
        assertThat(PullPolicy.defaultFor("registry.local:5000/sshsrv")).isEqualTo("Always");
        assertThat(PullPolicy.defaultFor("registry.local:5000/sshsrv:v1")).isEqualTo("IfNotPresent");
        assertThat(PullPolicy.defaultFor("sshsrv@sha256:0123")).isEqualTo("IfNotPresent");
    }
}
