package io.kubej.controller.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubej.controller.Pods;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSubsetsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Service service(IntOrString targetPort) {
        return new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", "web")
                    .addNewPort().withName("ssh").withPort(22).withProtocol("TCP").withTargetPort(targetPort).endPort()
                .endSpec().build();
    }

    private static Pod withIp(Pod p, String ip) {
        return new PodBuilder(p).editStatus().withPodIP(ip).endStatus()
                .editSpec().editFirstContainer().addNewPort().withName("sshd").withContainerPort(2222).endPort().endContainer().endSpec()
                .build();
    }

    @Test
    void readyPodsAreAddressesAndNotReadyOnesNotReadyAddresses() {
        Pod a = withIp(Pods.running("a", "worker-0", true, T0), "10.200.0.3");
        Pod b = withIp(Pods.running("b", "worker-0", true, T0), "10.200.0.2");
        Pod c = withIp(Pods.running("c", "worker-0", false, T0), "10.200.0.4");
        List<EndpointSubset> subsets = EndpointSubsets.build(service(new IntOrString(22)), List.of(a, b, c));
        assertThat(subsets).hasSize(1);
        EndpointSubset s = subsets.get(0);
        assertThat(s.getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.200.0.2", "10.200.0.3");
        assertThat(s.getNotReadyAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.200.0.4");
        assertThat(s.getAddresses().get(0).getNodeName()).isEqualTo("worker-0");
        assertThat(s.getAddresses().get(0).getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(s.getAddresses().get(0).getTargetRef().getName()).isEqualTo("b");
        assertThat(s.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(22);
            assertThat(p.getName()).isEqualTo("ssh");
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
    }

    @Test
    void namedTargetPortResolvesToTheContainerPort() {
        Pod a = withIp(Pods.running("a", "worker-0", true, T0), "10.200.0.3");
        List<EndpointSubset> subsets = EndpointSubsets.build(service(new IntOrString("sshd")), List.of(a));
        assertThat(subsets.get(0).getPorts().get(0).getPort()).isEqualTo(2222);
    }

    @Test
    void podWithoutTheNamedPortIsLeftOut() {
        Pod a = withIp(Pods.running("a", "worker-0", true, T0), "10.200.0.3");
        assertThat(EndpointSubsets.build(service(new IntOrString("http")), List.of(a))).isEmpty();
    }

    @Test
    void podsWithoutIpTerminalOrDeletingAreLeftOut() {
        Pod noIp = Pods.pod("noip").build();
        Pod done = new PodBuilder(withIp(Pods.running("done", "w", true, T0), "10.200.0.9")).editStatus().withPhase("Succeeded").endStatus().build();
        Pod deleting = new PodBuilder(withIp(Pods.running("del", "w", true, T0), "10.200.0.8"))
                .editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
        assertThat(EndpointSubsets.build(service(new IntOrString(22)), List.of(noIp, done, deleting))).isEmpty();
    }

    @Test
    void unsetTargetPortDefaultsToThePort() {
        Pod a = withIp(Pods.running("a", "worker-0", true, T0), "10.200.0.3");
        assertThat(EndpointSubsets.build(service(null), List.of(a)).get(0).getPorts().get(0).getPort()).isEqualTo(22);
    }

    @Test
    void publishNotReadyAddressesPutsEveryPodInAddresses() {
        Service svc = new ServiceBuilder(service(new IntOrString(22))).editSpec().withPublishNotReadyAddresses(true).endSpec().build();
        Pod c = withIp(Pods.running("c", "worker-0", false, T0), "10.200.0.4");
        EndpointSubset s = EndpointSubsets.build(svc, List.of(c)).get(0);
        assertThat(s.getAddresses()).hasSize(1);
        assertThat(s.getNotReadyAddresses()).isNull();
    }
}
