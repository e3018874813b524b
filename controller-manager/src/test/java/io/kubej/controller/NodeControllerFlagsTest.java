package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeControllerFlagsTest {

    private static KubeControllerManager parse(String... args) {
        KubeControllerManager kcm = new KubeControllerManager();
        new CommandLine(kcm).parseArgs(args);
        return kcm;
    }

    @Test
    void nodeIpamRunsOnlyWithAllocateNodeCidrsAndTakesUpstreamsMaskDefaults() {
        KubeControllerManager off = parse("--cluster-cidr=10.200.0.0/16");
        assertThat(off.allocateNodeCidrs()).isFalse();
        KubeControllerManager on = parse("--allocate-node-cidrs", "--cluster-cidr=10.200.0.0/16, fd00:10:244::/56");
        assertThat(on.allocateNodeCidrs()).isTrue();
        assertThat(on.clusterCidrs()).containsExactly("10.200.0.0/16", "fd00:10:244::/56");
        assertThat(on.nodeCidrMaskSizeIpv4()).isEqualTo(24);
        assertThat(on.nodeCidrMaskSizeIpv6()).isEqualTo(64);
        KubeControllerManager sized = parse("--allocate-node-cidrs=true", "--cluster-cidr=10.200.0.0/16", "--node-cidr-mask-size=26");
        assertThat(sized.nodeCidrMaskSizeIpv4()).isEqualTo(26);
        assertThat(parse("--node-cidr-mask-size-ipv4=25", "--node-cidr-mask-size=26").nodeCidrMaskSizeIpv4()).isEqualTo(25);
    }

    @Test
    void nodeLifecycleAndPodGcFlagsHaveUpstreamsDefaults() {
        KubeControllerManager kcm = parse();
        assertThat(kcm.nodeMonitorPeriod).isEqualTo("5s");
        assertThat(kcm.nodeMonitorGracePeriod).isEqualTo("50s");
        assertThat(kcm.nodeStartupGracePeriod).isEqualTo("1m");
        assertThat(kcm.evictionRates()).isEqualTo(io.kubej.controller.nodelifecycle.Zones.Rates.DEFAULTS);
        assertThat(kcm.terminatedPodGcThreshold).isEqualTo(12500);
        assertThat(kcm.signingFlags().duration()).isEqualTo(Duration.ofHours(8760));
    }

    @Test
    void theNodeControllersAreKnownByUpstreamNamesAndAliases() {
        KubeControllerManager kcm = parse("--controllers=*,-nodeipam,-csrsigning");
        assertThat(kcm.enabled("node-ipam-controller")).isFalse();
        assertThat(kcm.enabled("certificatesigningrequest-signing-controller")).isFalse();
        assertThat(kcm.enabled("node-lifecycle-controller")).isTrue();
        assertThat(kcm.enabled("taint-eviction-controller")).isTrue();
        assertThat(parse("--controllers=podgc").enabled("pod-garbage-collector-controller")).isTrue();
    }
}
