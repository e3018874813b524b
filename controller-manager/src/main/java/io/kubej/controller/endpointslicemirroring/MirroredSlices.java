package io.kubej.controller.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The EndpointSlices that mirror a hand-written Endpoints object (upstream:
 * pkg/controller/endpointslicemirroring, reconciler and utils). Pure: from the Endpoints to
 * the slices, and from desired and existing slices to the writes.
 *
 * <p>Each subset becomes one slice per address type (IPv4, IPv6) with the subset's ports;
 * {@code addresses} are ready endpoints, {@code notReadyAddresses} not ready; hostname, node
 * name and target reference are kept. At most {@code maxEndpointsPerSubset} addresses of a
 * subset are mirrored. The slices carry the Endpoints' labels plus
 * {@code kubernetes.io/service-name} and the mirroring controller's
 * {@code endpointslice.kubernetes.io/managed-by}, and the Endpoints as controller owner, so they
 * are collected with it.
 */
public final class MirroredSlices {
    public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "endpointslicemirroring-controller.k8s.io";
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** Endpoints so labelled are not mirrored (upstream's skip-mirror label). */
    public static final String SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";
    /** Labels and annotations of the Endpoints that are not copied to the slices. */
    private static final List<String> NOT_COPIED = List.of("endpoints.kubernetes.io/last-change-trigger-time",
            "kubectl.kubernetes.io/last-applied-configuration", "endpoints.kubernetes.io/over-capacity");

    private MirroredSlices() {
    }

    /** The writes that turn {@code existing} into {@code desired}. */
    public record Plan(List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
    }

    public static List<EndpointSlice> desired(Endpoints endpoints, int maxEndpointsPerSubset) {
        List<EndpointSlice> out = new ArrayList<>();
        if (endpoints.getSubsets() == null) {
            return out;
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            Map<String, List<Endpoint>> byType = new LinkedHashMap<>();
            int mirrored = 0;
            for (boolean ready : new boolean[] {true, false}) {
                List<EndpointAddress> addresses = ready ? subset.getAddresses() : subset.getNotReadyAddresses();
                if (addresses == null) {
                    continue;
                }
                for (EndpointAddress a : addresses) {
                    if (mirrored >= maxEndpointsPerSubset || a.getIp() == null) {
                        continue;
                    }
                    mirrored++;
                    byType.computeIfAbsent(a.getIp().contains(":") ? "IPv6" : "IPv4", t -> new ArrayList<>()).add(endpoint(a, ready));
                }
            }
            for (var e : byType.entrySet()) {
                out.add(new EndpointSliceBuilder()
                        .withNewMetadata()
                            .withNamespace(endpoints.getMetadata().getNamespace())
                            .withGenerateName(endpoints.getMetadata().getName() + "-")
                            .withLabels(labels(endpoints))
                            .withAnnotations(copied(endpoints.getMetadata().getAnnotations()))
                            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Endpoints")
                                    .withName(endpoints.getMetadata().getName()).withUid(endpoints.getMetadata().getUid())
                                    .withController(true).withBlockOwnerDeletion(true).build())
                        .endMetadata()
                        .withAddressType(e.getKey())
                        .withEndpoints(e.getValue())
                        .withPorts(ports(subset.getPorts()))
                        .build());
            }
        }
        return out;
    }

    private static Endpoint endpoint(EndpointAddress a, boolean ready) {
        EndpointBuilder b = new EndpointBuilder().withAddresses(a.getIp()).withNewConditions().withReady(ready).endConditions()
                .withTargetRef(a.getTargetRef()).withNodeName(a.getNodeName());
        if (a.getHostname() != null && !a.getHostname().isEmpty()) {
            b.withHostname(a.getHostname());
        }
        return b.build();
    }

    private static List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports(List<EndpointPort> ports) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> out = new ArrayList<>();
        if (ports != null) {
            for (EndpointPort p : ports) {
                out.add(new EndpointPortBuilder().withName(p.getName() == null ? "" : p.getName()).withPort(p.getPort())
                        .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol()).withAppProtocol(p.getAppProtocol()).build());
            }
        }
        return out;
    }

    private static Map<String, String> labels(Endpoints endpoints) {
        Map<String, String> labels = copied(endpoints.getMetadata().getLabels());
        labels.put(SERVICE_NAME_LABEL, endpoints.getMetadata().getName());
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    private static Map<String, String> copied(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null) {
            m.forEach((k, v) -> {
                if (!NOT_COPIED.contains(k)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /**
     * Pairs desired slices with existing ones (oldest name first): a pair that differs in content
     * is an update of the existing slice, extra desired slices are creates, extra existing ones
     * deletes.
     */
    public static Plan plan(List<EndpointSlice> desired, List<EndpointSlice> existing) {
        List<EndpointSlice> sorted = existing.stream().sorted(Comparator.comparing(s -> s.getMetadata().getName())).toList();
        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();
        for (int i = 0; i < Math.max(desired.size(), sorted.size()); i++) {
            if (i >= sorted.size()) {
                create.add(desired.get(i));
            } else if (i >= desired.size()) {
                delete.add(sorted.get(i));
            } else if (!sameContent(desired.get(i), sorted.get(i))) {
                EndpointSlice next = new EndpointSliceBuilder(desired.get(i)).editMetadata()
                        .withName(sorted.get(i).getMetadata().getName()).withGenerateName(null)
                        .withResourceVersion(sorted.get(i).getMetadata().getResourceVersion()).endMetadata().build();
                update.add(next);
            }
        }
        return new Plan(create, update, delete);
    }

    /** Compared on what is mirrored only, so fields the API server defaults never cause a rewrite. */
    static boolean sameContent(EndpointSlice want, EndpointSlice have) {
        return Objects.equals(want.getAddressType(), have.getAddressType())
                && essence(want).equals(essence(have))
                && Objects.equals(want.getMetadata().getLabels(), have.getMetadata().getLabels());
    }

    private static List<String> essence(EndpointSlice s) {
        List<String> out = new ArrayList<>();
        if (s.getEndpoints() != null) {
            for (Endpoint e : s.getEndpoints()) {
                var ref = e.getTargetRef();
                out.add("ep " + e.getAddresses() + " ready=" + (e.getConditions() == null ? null : e.getConditions().getReady())
                        + " host=" + e.getHostname() + " node=" + e.getNodeName()
                        + " ref=" + (ref == null ? null : ref.getKind() + "/" + ref.getNamespace() + "/" + ref.getName() + "/" + ref.getUid()));
            }
        }
        if (s.getPorts() != null) {
            for (var p : s.getPorts()) {
                out.add("port " + (p.getName() == null ? "" : p.getName()) + " " + p.getPort() + " "
                        + (p.getProtocol() == null ? "TCP" : p.getProtocol()) + " " + p.getAppProtocol());
            }
        }
        return out;
    }
}
