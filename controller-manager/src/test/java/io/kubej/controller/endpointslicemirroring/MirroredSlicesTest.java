package io.kubej.controller.endpointslicemirroring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirroredSlicesTest {
    static Endpoints endpoints() {
        return new EndpointsBuilder().withNewMetadata().withName("db").withNamespace("ns").withUid("ep-uid").addToLabels("team", "a")
                .addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", "x").endMetadata()
                .addNewSubset().addNewAddress().withIp("10.0.0.1").withHostname("db-0").withNodeName("n1").endAddress()
                .addNewNotReadyAddress().withIp("10.0.0.2").endNotReadyAddress().addNewAddress().withIp("fd00::1").endAddress()
                .addNewPort().withName("pg").withPort(5432).endPort().endSubset()
                .addNewSubset().addNewAddress().withIp("10.0.0.3").endAddress().addNewPort().withPort(80).withProtocol("TCP").endPort().endSubset()
                .build();
    }

    @Test
    void eachSubsetBecomesOneSlicePerAddressTypeWithReadinessHostnameAndPorts() {
        List<EndpointSlice> slices = MirroredSlices.desired(endpoints(), 1000);
        assertThat(slices).hasSize(3);
        EndpointSlice v4 = slices.get(0);
        assertThat(v4.getAddressType()).isEqualTo("IPv4");
        assertThat(v4.getEndpoints()).hasSize(2);
        assertThat(v4.getEndpoints().get(0).getAddresses()).containsExactly("10.0.0.1");
        assertThat(v4.getEndpoints().get(0).getConditions().getReady()).isTrue();
        assertThat(v4.getEndpoints().get(0).getHostname()).isEqualTo("db-0");
        assertThat(v4.getEndpoints().get(0).getNodeName()).isEqualTo("n1");
        assertThat(v4.getEndpoints().get(1).getConditions().getReady()).as("notReadyAddresses").isFalse();
        assertThat(v4.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("pg");
            assertThat(p.getPort()).isEqualTo(5432);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        assertThat(slices.get(1).getAddressType()).isEqualTo("IPv6");
        assertThat(v4.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "db")
                .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io").containsEntry("team", "a");
        assertThat(v4.getMetadata().getAnnotations()).doesNotContainKey("endpoints.kubernetes.io/last-change-trigger-time");
        assertThat(v4.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Endpoints");
            assertThat(o.getUid()).isEqualTo("ep-uid");
            assertThat(o.getController()).isTrue();
        });
    }

    @Test
    void atMostMaxEndpointsPerSubsetAreMirrored() {
        assertThat(MirroredSlices.desired(endpoints(), 1).get(0).getEndpoints()).hasSize(1);
    }

    @Test
    void theSameContentIsLeftAloneAChangeUpdatesInPlaceAndSurplusSlicesGo() {
        List<EndpointSlice> desired = MirroredSlices.desired(endpoints(), 1000);
        List<EndpointSlice> existing = desired.stream().map(s -> new EndpointSliceBuilder(s).editMetadata()
                .withName("db-" + s.getAddressType() + s.getPorts().get(0).getPort()).withResourceVersion("5").endMetadata().build()).toList();
        // existing are paired by name: db-IPv45432, db-IPv480, db-IPv65432 against desired v4/5432, v6/5432, v4/80
        MirroredSlices.Plan plan = MirroredSlices.plan(List.of(desired.get(0)), List.of(existing.get(0)));
        assertThat(plan.create()).isEmpty();
        assertThat(plan.update()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        MirroredSlices.Plan changed = MirroredSlices.plan(List.of(desired.get(2)), List.of(existing.get(0), existing.get(1)));
        assertThat(changed.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(existing.get(0).getMetadata().getName());
            assertThat(s.getMetadata().getResourceVersion()).isEqualTo("5");
        });
        assertThat(changed.delete()).containsExactly(existing.get(1));
        assertThat(MirroredSlices.plan(desired, List.of()).create()).hasSize(3);
    }

    @Test
    void onlyEndpointsOfASelectorlessServiceNotMarkedSkipMirrorAreMirrored() {
        Service plain = new ServiceBuilder().withNewMetadata().withName("db").endMetadata().withNewSpec().endSpec().build();
        Service selecting = new ServiceBuilder(plain).editSpec().addToSelector("app", "db").endSpec().build();
        Endpoints skip = new EndpointsBuilder(endpoints()).editMetadata().addToLabels("endpointslice.kubernetes.io/skip-mirror", "true")
                .endMetadata().build();
        assertThat(EndpointSliceMirroringController.shouldMirror(plain, endpoints())).isTrue();
        assertThat(EndpointSliceMirroringController.shouldMirror(selecting, endpoints())).isFalse();
        assertThat(EndpointSliceMirroringController.shouldMirror(plain, skip)).isFalse();
        assertThat(EndpointSliceMirroringController.shouldMirror(null, endpoints())).isFalse();
    }
}
