package io.kubej.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KubeSchedulerFlagsTest {

    private static KubeScheduler parse(String... args) {
        KubeScheduler s = new KubeScheduler();
        new CommandLine(s).parseArgs(args);
        return s;
    }

    @Test
    void theSecurePortIs10259AndALookupFailureIsToleratedAsUpstream() {
        KubeScheduler s = parse("--config=/etc/kubernetes/config/kube-scheduler.yaml", "--v=2");
        assertThat(s.secureServing.bindPort).isEqualTo(10259);
        assertThat(s.secureServing.bindAddress).isEqualTo("0.0.0.0");
        assertThat(s.authentication.tolerateLookupFailure).isTrue();
        assertThat(s.authorization.alwaysAllowPaths).containsExactly("/healthz", "/readyz", "/livez");
    }

    @Test
    void kubeadmsDelegationFlagsAreAccepted() {
        KubeScheduler s = parse("--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1",
                "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true", "--secure-port=0");
        assertThat(s.authentication.kubeconfig).isEqualTo(Path.of("/etc/kubernetes/scheduler.conf"));
        assertThat(s.authorization.kubeconfig).isEqualTo(Path.of("/etc/kubernetes/scheduler.conf"));
        assertThat(s.secureServing.enabled()).isFalse();
    }
}
