package io.kubej.controller.endpointslice;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.ControllerRefManager;
import io.kubej.controller.PodUtil;
import io.kubej.controller.endpoints.EndpointSubsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The pure part of the EndpointSlice controller (upstream: staging endpointslice
 * {@code reconciler.go}): from a Service, the pods it selects and the slices that exist now,
 * which slices to create, update and delete.
 *
 * <p>Pods that resolve the Service's ports to the same numbers share a port set, and each port
 * set has its own slices of at most {@code maxEndpointsPerSlice} endpoints. To keep churn low
 * (every slice change is pushed to every kube-proxy), an endpoint stays in the slice it is in;
 * only endpoints that changed or are new are placed, first into slices with room. A slice left
 * empty is deleted, and a Service with no endpoints at all keeps one empty placeholder slice,
 * as upstream does, so that clients can tell "no endpoints" from "not processed yet".
 */
public final class SliceReconciler {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "endpointslice-controller.k8s.io";

    /** What to write. Slices to create have only a generateName. */
    public record Plan(List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        public boolean isEmpty() {
            return create.isEmpty() && update.isEmpty() && delete.isEmpty();
        }
    }

    private SliceReconciler() {
    }

    /**
     * @param zoneOf a node's topology.kubernetes.io/zone label, or null
     */
    public static Plan reconcile(Service service, List<Pod> pods, List<EndpointSlice> existing, int maxEndpointsPerSlice,
                                 Function<String, String> zoneOf) {
        Map<List<EndpointPort>, List<Endpoint>> desired = desiredEndpoints(service, pods, zoneOf);
        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();

        Map<List<EndpointPort>, List<EndpointSlice>> existingByPorts = new LinkedHashMap<>();
        for (EndpointSlice slice : existing) {
            List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
            if (!desired.containsKey(ports) || !"IPv4".equals(slice.getAddressType())) {
                delete.add(slice);
            } else {
                existingByPorts.computeIfAbsent(ports, k -> new ArrayList<>()).add(slice);
            }
        }
        for (var e : desired.entrySet()) {
            placePortSet(service, e.getKey(), e.getValue(), existingByPorts.getOrDefault(e.getKey(), List.of()),
                    maxEndpointsPerSlice, create, update, delete);
        }
        keepAPlaceholder(service, existing, create, update, delete);
        return new Plan(create, update, delete);
    }

    /** One port set: keep endpoints where they are, fill slices with room, then open new slices. */
    private static void placePortSet(Service service, List<EndpointPort> ports, List<Endpoint> wanted,
                                     List<EndpointSlice> slices, int max,
                                     List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        Map<String, Endpoint> toPlace = new LinkedHashMap<>();
        wanted.forEach(ep -> toPlace.put(key(ep), ep));
        List<EndpointSlice> kept = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            List<Endpoint> before = slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
            List<Endpoint> after = new ArrayList<>();
            for (Endpoint ep : before) {
                Endpoint now = toPlace.get(key(ep));
                if (now != null && after.size() < max) {
                    after.add(now); // still wanted: stays here, with its current conditions
                    toPlace.remove(key(ep));
                }
            }
            EndpointSlice updated = Serialization.clone(slice);
            updated.setEndpoints(after);
            kept.add(updated);
        }
        // fill the slices that have room, fullest first (fewer, fuller slices)
        kept.sort(Comparator.comparingInt((EndpointSlice s) -> s.getEndpoints().size()).reversed());
        var remaining = new ArrayList<>(toPlace.values());
        for (EndpointSlice slice : kept) {
            while (!remaining.isEmpty() && slice.getEndpoints().size() < max) {
                slice.getEndpoints().add(remaining.remove(0));
            }
        }
        for (EndpointSlice slice : kept) {
            EndpointSlice original = slices.stream().filter(s -> s.getMetadata().getName().equals(slice.getMetadata().getName()))
                    .findFirst().orElseThrow();
            if (slice.getEndpoints().isEmpty()) {
                delete.add(original);
            } else if (!sameEndpoints(slice, original) || !labelsOk(slice, service)) {
                slice.getMetadata().setLabels(labels(service));
                update.add(slice);
            }
        }
        for (int i = 0; i < remaining.size(); i += max) {
            create.add(newSlice(service, ports, new ArrayList<>(remaining.subList(i, Math.min(remaining.size(), i + max)))));
        }
    }

    /** With no endpoints anywhere, one empty slice stays (upstream's placeholder). */
    private static void keepAPlaceholder(Service service, List<EndpointSlice> existing,
                                         List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete) {
        boolean anyLeft = !create.isEmpty() || existing.stream().anyMatch(s -> !delete.contains(s));
        if (anyLeft) {
            return;
        }
        EndpointSlice placeholder = existing.stream()
                .filter(s -> (s.getEndpoints() == null || s.getEndpoints().isEmpty()) && (s.getPorts() == null || s.getPorts().isEmpty()))
                .findFirst().orElse(null);
        if (placeholder != null) {
            delete.remove(placeholder);
        } else {
            create.add(newSlice(service, List.of(), List.of()));
        }
    }

    /** Endpoints per port set, for the pods that belong in the Service's slices. */
    static Map<List<EndpointPort>, List<Endpoint>> desiredEndpoints(Service service, List<Pod> pods, Function<String, String> zoneOf) {
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
        for (Pod pod : pods) {
            // terminating pods stay, marked terminating, so that proxies can drain them
            if (!EndpointSubsets.shouldBeInEndpoints(pod, true)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort sp : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
                OptionalInt port = EndpointSubsets.resolveTargetPort(pod, sp);
                if (port.isPresent()) {
                    ports.add(new EndpointPortBuilder().withName(sp.getName() == null ? "" : sp.getName()).withPort(port.getAsInt())
                            .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).withAppProtocol(sp.getAppProtocol()).build());
                }
            }
            ports.sort(Comparator.comparing((EndpointPort p) -> Objects.toString(p.getName(), ""))
                    .thenComparing(EndpointPort::getPort).thenComparing(EndpointPort::getProtocol));
            byPorts.computeIfAbsent(ports, k -> new ArrayList<>()).add(endpoint(pod, service, publishNotReady, zoneOf));
        }
        byPorts.values().forEach(list -> list.sort(Comparator.comparing(SliceReconciler::key)));
        return byPorts;
    }

    /**
     * One pod as an endpoint: ready = Ready and not terminating (or the Service publishes not-ready
     * addresses), serving = Ready even while terminating, terminating = being deleted.
     */
    static Endpoint endpoint(Pod pod, Service service, boolean publishNotReady, Function<String, String> zoneOf) {
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        boolean podReady = PodUtil.isReady(pod);
        String node = pod.getSpec().getNodeName();
        return new EndpointBuilder()
                .withAddresses(pod.getStatus().getPodIP())
                .withNewConditions()
                    .withReady(publishNotReady || (podReady && !terminating))
                    .withServing(publishNotReady || podReady)
                    .withTerminating(terminating)
                .endConditions()
                .withHostname(EndpointSubsets.hostname(pod, service))
                .withNodeName(node)
                .withZone(node == null ? null : zoneOf.apply(node))
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build())
                .build();
    }

    private static EndpointSlice newSlice(Service service, List<EndpointPort> ports, List<Endpoint> endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata()
                    .withGenerateName(service.getMetadata().getName() + "-")
                    .withNamespace(service.getMetadata().getNamespace())
                    .withLabels(labels(service))
                    .withOwnerReferences(ControllerRefManager.controllerRef(service))
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(ports)
                .withEndpoints(endpoints)
                .build();
    }

    /** The Service's own labels, plus the two that tie a slice to it and to this controller. */
    private static Map<String, String> labels(Service service) {
        Map<String, String> labels = new HashMap<>();
        if (service.getMetadata().getLabels() != null) {
            labels.putAll(service.getMetadata().getLabels());
        }
        labels.put(SERVICE_NAME_LABEL, service.getMetadata().getName());
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    private static boolean labelsOk(EndpointSlice slice, Service service) {
        return Objects.equals(slice.getMetadata().getLabels(), labels(service));
    }

    private static boolean sameEndpoints(EndpointSlice a, EndpointSlice b) {
        return Objects.equals(a.getEndpoints(), b.getEndpoints() == null ? List.of() : b.getEndpoints());
    }

    /** An endpoint's identity: the pod it stands for (or, without one, its address). */
    private static String key(Endpoint ep) {
        if (ep.getTargetRef() != null && ep.getTargetRef().getUid() != null) {
            return ep.getTargetRef().getUid();
        }
        return String.join(",", ep.getAddresses());
    }
}
