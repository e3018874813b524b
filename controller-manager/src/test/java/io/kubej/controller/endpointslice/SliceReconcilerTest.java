package io.kubej.controller.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubej.controller.Pods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SliceReconcilerTest {
    private static final Function<String, String> ZONES = Map.of("worker-0", "zone-a")::get;

    private static Service service() {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web").withUid("svc-uid").endMetadata()
                .withNewSpec().addToSelector("app", "web")
                    .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                .endSpec().build();
    }

    private static List<Pod> pods(int n) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(Pods.running("web-" + i, "worker-0", true, Instant.parse("2026-01-01T00:00:00Z")));
        }
        return pods;
    }

    /** What the API server would hand back: the planned slices with names. */
    private static List<EndpointSlice> created(SliceReconciler.Plan plan) {
        List<EndpointSlice> out = new ArrayList<>();
        for (int i = 0; i < plan.create().size(); i++) {
            EndpointSlice s = plan.create().get(i);
            s.getMetadata().setName("web-" + i);
            out.add(s);
        }
        return out;
    }

    @Test
    void readyPodsBecomeEndpointsWithConditionsNodeZoneAndTheServicesLabelsAndOwner() {
        SliceReconciler.Plan plan = SliceReconciler.reconcile(service(), pods(2), List.of(), 100, ZONES);

        assertThat(plan.create()).hasSize(1);
        EndpointSlice slice = plan.create().get(0);
        assertThat(slice.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web")
                .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        assertThat(slice.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("svc-uid");
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
        });
        Endpoint ep = slice.getEndpoints().get(0);
        assertThat(ep.getConditions().getReady()).isTrue();
        assertThat(ep.getConditions().getServing()).isTrue();
        assertThat(ep.getConditions().getTerminating()).isFalse();
        assertThat(ep.getNodeName()).isEqualTo("worker-0");
        assertThat(ep.getZone()).isEqualTo("zone-a");
        assertThat(ep.getTargetRef().getName()).startsWith("web-");
    }

    @Test
    void aTerminatingReadyPodIsServingButNotReady() {
        Pod pod = pods(1).get(0);
        pod.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");

        Endpoint ep = SliceReconciler.reconcile(service(), List.of(pod), List.of(), 100, ZONES).create().get(0).getEndpoints().get(0);

        assertThat(ep.getConditions().getReady()).isFalse();
        assertThat(ep.getConditions().getServing()).isTrue();
        assertThat(ep.getConditions().getTerminating()).isTrue();
    }

    @Test
    void aSliceHoldsAtMostTheLimitAndMoreSlicesAreMade() {
        SliceReconciler.Plan plan = SliceReconciler.reconcile(service(), pods(250), List.of(), 100, ZONES);

        assertThat(plan.create()).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
    }

    @Test
    void anUnchangedServiceNeedsNoWrite() {
        List<EndpointSlice> existing = created(SliceReconciler.reconcile(service(), pods(3), List.of(), 100, ZONES));

        assertThat(SliceReconciler.reconcile(service(), pods(3), existing, 100, ZONES).isEmpty()).isTrue();
    }

    @Test
    void endpointsStayInTheirSlicesAndNewOnesFillTheRoomLeft() {
        List<EndpointSlice> existing = created(SliceReconciler.reconcile(service(), pods(150), List.of(), 100, ZONES));
        List<Pod> fewer = new ArrayList<>(pods(150));
        fewer.remove(0); // one pod of the first slice goes

        SliceReconciler.Plan plan = SliceReconciler.reconcile(service(), fewer, existing, 100, ZONES);

        assertThat(plan.create()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(99));
    }

    @Test
    void aServiceWithoutEndpointsKeepsOneEmptyPlaceholderSlice() {
        SliceReconciler.Plan first = SliceReconciler.reconcile(service(), List.of(), List.of(), 100, ZONES);
        assertThat(first.create()).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
        });

        List<EndpointSlice> withPods = created(SliceReconciler.reconcile(service(), pods(1), created(first), 100, ZONES));
        SliceReconciler.Plan gone = SliceReconciler.reconcile(service(), List.of(), withPods, 100, ZONES);
        assertThat(gone.delete()).hasSize(1);
        assertThat(gone.create()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).isEmpty());
    }

    @Test
    void aPodWithAHostnameUnderThisServicesSubdomainKeepsIt() {
        Pod pod = pods(1).get(0);
        pod.getSpec().setHostname("web-0");
        pod.getSpec().setSubdomain("web");

        Endpoint ep = SliceReconciler.reconcile(service(), List.of(pod), List.of(), 100, ZONES).create().get(0).getEndpoints().get(0);

        assertThat(ep.getHostname()).isEqualTo("web-0");
    }

    @Test
    void aWriteIsCoveredByTheSameOrALaterResourceVersionOrADeletion() {
        assertThat(EndpointSliceController.covers("12", "12")).isTrue();
        assertThat(EndpointSliceController.covers("13", "12")).isTrue();
        assertThat(EndpointSliceController.covers("11", "12")).isFalse();
        assertThat(EndpointSliceController.covers("deleted", "12")).isTrue();
        assertThat(EndpointSliceController.covers("12", "deleted")).isFalse();
    }
}
