package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KubeControllerManagerFlagsTest {

    private static KubeControllerManager parse(String... args) {
        KubeControllerManager kcm = new KubeControllerManager();
        new CommandLine(kcm).parseArgs(args);
        return kcm;
    }

    @Test
    void theHardWayUnitFlagsAreAccepted() {
        KubeControllerManager kcm = parse("--bind-address=0.0.0.0", "--cluster-cidr=10.200.0.0/16", "--cluster-name=kubernetes",
                "--cluster-signing-cert-file=/var/lib/kubernetes/ca.pem", "--cluster-signing-key-file=/var/lib/kubernetes/ca-key.pem",
                "--kubeconfig=/var/lib/kubernetes/kube-controller-manager.kubeconfig", "--leader-elect=true",
                "--root-ca-file=/var/lib/kubernetes/ca.pem", "--service-account-private-key-file=/var/lib/kubernetes/service-account-key.pem",
                "--service-cluster-ip-range=10.32.0.0/24", "--use-service-account-credentials=true", "--v=2");
        assertThat(kcm.leaderElect).isTrue();
        assertThat(kcm.secureServing.bindPort).isEqualTo(10257);
        assertThat(kcm.enabled("replicaset-controller")).isTrue();
    }

    @Test
    void controllersFlagEnablesAndDisablesByUpstreamNameOrAlias() {
        KubeControllerManager kcm = parse("--controllers=*,-garbagecollector");
        assertThat(kcm.enabled("replicaset-controller")).isTrue();
        assertThat(kcm.enabled("garbage-collector-controller")).isFalse();
        KubeControllerManager only = parse("--controllers=replicaset-controller");
        assertThat(only.enabled("replicaset-controller")).isTrue();
        assertThat(only.enabled("endpoints-controller")).isFalse();
    }

}
