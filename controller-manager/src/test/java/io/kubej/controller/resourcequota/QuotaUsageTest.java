package io.kubej.controller.resourcequota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuotaUsageTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    static Pod pod(String phase, String cpuRequest, String memLimit) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withNewResources().addToRequests("cpu", new Quantity(cpuRequest)).addToLimits("memory", new Quantity(memLimit))
                .endResources().endContainer().endSpec().withNewStatus().withPhase(phase).endStatus().build();
    }

    record Ns(List<Pod> pods, List<Service> services, List<PersistentVolumeClaim> persistentVolumeClaims, Map<String, Integer> counts)
            implements QuotaUsage.Namespace {
        @Override
        public int count(String resource) {
            return counts.getOrDefault(resource, 0);
        }
    }

    @Test
    void finishedPodsNeitherCountNorUseCompute() {
        Ns ns = new Ns(List.of(pod("Running", "250m", "64Mi"), pod("Pending", "250m", "64Mi"), pod("Succeeded", "1", "1Gi")),
                List.of(), List.of(), Map.of());
        Map<String, String> used = QuotaUsage.used(Set.of("pods", "requests.cpu", "limits.memory", "requests.memory"), ns, NOW);
        assertThat(used).containsEntry("pods", "2").containsEntry("requests.cpu", "500m").containsEntry("limits.memory", "128Mi")
                .as("requests default to limits").containsEntry("requests.memory", "128Mi");
    }

    @Test
    void aPodPastItsDeletionGracePeriodNoLongerCounts() {
        Pod leaving = new PodBuilder(pod("Running", "1", "1Mi")).editMetadata().withDeletionTimestamp("2026-12-02T09:59:00Z")
                .withDeletionGracePeriodSeconds(30L).endMetadata().build();
        Pod graceful = new PodBuilder(leaving).editMetadata().withDeletionGracePeriodSeconds(300L).endMetadata().build();
        assertThat(QuotaUsage.countedPods(List.of(leaving, graceful), NOW)).containsExactly(graceful);
    }

    @Test
    void aPodUsesTheLargerOfItsContainersAndItsLargestInitContainer() {
        Pod p = new PodBuilder(pod("Running", "100m", "1Mi")).editSpec().addNewInitContainer().withName("init").withNewResources()
                .addToRequests("cpu", new Quantity("300m")).endResources().endInitContainer().endSpec().build();
        assertThat(QuotaUsage.podAmount(p, "requests.cpu")).isEqualByComparingTo(new BigDecimal("0.3"));
    }

    @Test
    void servicesNodePortsLoadBalancersClaimsAndObjectCounts() {
        Service lb = new ServiceBuilder().withNewSpec().withType("LoadBalancer").addNewPort().withPort(80).endPort().addNewPort()
                .withPort(443).endPort().endSpec().build();
        Service np = new ServiceBuilder().withNewSpec().withType("NodePort").addNewPort().withPort(80).endPort().endSpec().build();
        Service ip = new ServiceBuilder().withNewSpec().withType("ClusterIP").endSpec().build();
        PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewSpec().withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build();
        Ns ns = new Ns(List.of(), List.of(lb, np, ip), List.of(pvc, pvc), Map.of("configmaps", 3, "deployments.apps", 2));
        Map<String, String> used = QuotaUsage.used(Set.of("services", "services.nodeports", "services.loadbalancers",
                "persistentvolumeclaims", "requests.storage", "configmaps", "count/configmaps", "count/deployments.apps", "secrets"), ns, NOW);
        assertThat(used).containsEntry("services", "3").containsEntry("services.nodeports", "3").containsEntry("services.loadbalancers", "1")
                .containsEntry("persistentvolumeclaims", "2").containsEntry("requests.storage", "2Gi")
                .containsEntry("configmaps", "3").containsEntry("count/configmaps", "3").containsEntry("count/deployments.apps", "2")
                .as("limited but unused: 0").containsEntry("secrets", "0");
    }

    @Test
    void scopesNarrowThePodsCounted() {
        Pod bestEffort = new PodBuilder().withNewMetadata().withName("be").endMetadata().withNewSpec().addNewContainer().withName("c")
                .endContainer().endSpec().withNewStatus().withPhase("Running").endStatus().build();
        Pod burstable = pod("Running", "100m", "64Mi");
        Pod deadline = new PodBuilder(burstable).editSpec().withActiveDeadlineSeconds(60L).endSpec().build();
        Ns ns = new Ns(List.of(bestEffort, burstable, deadline), List.of(), List.of(), Map.of());
        assertThat(QuotaUsage.used(Set.of("pods"), List.of("BestEffort"), ns, NOW)).containsEntry("pods", "1");
        assertThat(QuotaUsage.used(Set.of("pods", "requests.cpu"), List.of("NotBestEffort"), ns, NOW))
                .containsEntry("pods", "2").containsEntry("requests.cpu", "200m");
        assertThat(QuotaUsage.used(Set.of("pods"), List.of("Terminating"), ns, NOW)).containsEntry("pods", "1");
        assertThat(QuotaUsage.used(Set.of("pods"), List.of("NotTerminating", "NotBestEffort"), ns, NOW)).containsEntry("pods", "1");
    }
}
