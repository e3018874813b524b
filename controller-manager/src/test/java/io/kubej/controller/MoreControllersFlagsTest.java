package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MoreControllersFlagsTest {
    private static KubeControllerManager parse(String... args) {
        KubeControllerManager kcm = new KubeControllerManager();
        new CommandLine(kcm).parseArgs(args);
        return kcm;
    }

    @Test
    void theNewControllersAreListedUnderUpstreamsNamesAndAliases() {
        List<String> names = KubeControllerManager.DESCRIPTORS.stream().map(ControllerDescriptor::name).toList();
        assertThat(names).contains("disruption-controller", "resourcequota-controller", "clusterrole-aggregation-controller",
                "ttl-after-finished-controller", "endpointslice-mirroring-controller",
                "certificatesigningrequest-approving-controller", "horizontal-pod-autoscaler-controller");
        KubeControllerManager kcm = parse("--controllers=*,-disruption,-csrapproving,-horizontalpodautoscaling");
        assertThat(kcm.enabled("disruption-controller")).isFalse();
        assertThat(kcm.enabled("certificatesigningrequest-approving-controller")).isFalse();
        assertThat(kcm.enabled("horizontal-pod-autoscaler-controller")).isFalse();
        assertThat(kcm.enabled("resourcequota-controller")).isTrue();
        assertThat(parse("--controllers=endpointslicemirroring,ttl-after-finished,clusterrole-aggregation,resourcequota")
                .enabled("endpointslice-mirroring-controller")).isTrue();
    }

    @Test
    void theirFlagsHaveUpstreamsDefaultsAndNames() {
        KubeControllerManager defaults = parse();
        assertThat(defaults.resourceQuotaSyncPeriod).isEqualTo("5m");
        assertThat(defaults.concurrentResourceQuotaSyncs).isEqualTo(5);
        assertThat(defaults.concurrentTtlAfterFinishedSyncs).isEqualTo(5);
        assertThat(defaults.mirroringMaxEndpointsPerSubset).isEqualTo(1000);
        assertThat(defaults.mirroringConcurrentServiceEndpointSyncs).isEqualTo(5);
        assertThat(defaults.horizontalPodAutoscalerSyncPeriod).isEqualTo("15s");
        KubeControllerManager set = parse("--resource-quota-sync-period=1m", "--concurrent-resource-quota-syncs=2",
                "--mirroring-max-endpoints-per-subset=10", "--horizontal-pod-autoscaler-sync-period=30s",
                "--concurrent-ttl-after-finished-syncs=1", "--mirroring-concurrent-service-endpoint-syncs=3",
                "--concurrent-horizontal-pod-autoscaler-syncs=4");
        assertThat(set.resourceQuotaSyncPeriod).isEqualTo("1m");
        assertThat(set.mirroringMaxEndpointsPerSubset).isEqualTo(10);
        assertThat(set.concurrentHorizontalPodAutoscalerSyncs).isEqualTo(4);
    }
}
