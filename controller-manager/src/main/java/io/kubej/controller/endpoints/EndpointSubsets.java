package io.kubej.controller.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kubej.controller.PodUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The pure part of the endpoints controller: which (address, port) pairs a Service's pods give,
 * packed into subsets (upstream: the loop in endpoints_controller.go syncService, and
 * endpoints.RepackSubsets).
 *
 * <p>Each pod with an IP contributes one address per service port whose targetPort it can
 * resolve: a number is used as is, a name is looked up among the pod's container ports (with
 * the same protocol). Ready pods go to {@code addresses}, others to {@code notReadyAddresses}
 * (unless the Service publishes not-ready addresses). Addresses that resolve to the same set of
 * ports share one subset.
 */
public final class EndpointSubsets {
    private EndpointSubsets() {
    }

    public static List<EndpointSubset> build(Service service, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        // ports (sorted, as a key) -> [ready addresses, not-ready addresses]
        Map<List<EndpointPort>, List<List<EndpointAddress>>> byPorts = new LinkedHashMap<>();
        for (Pod pod : pods) {
            if (!shouldBeInEndpoints(pod, publishNotReady)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort sp : service.getSpec().getPorts()) {
                OptionalInt port = resolveTargetPort(pod, sp);
                if (port.isPresent()) {
                    ports.add(new EndpointPortBuilder()
                            .withName(sp.getName())
                            .withPort(port.getAsInt())
                            .withProtocol(protocol(sp.getProtocol()))
                            .withAppProtocol(sp.getAppProtocol())
                            .build());
                }
            }
            if (ports.isEmpty()) {
                continue;
            }
            ports.sort(Comparator.comparing((EndpointPort p) -> Objects.toString(p.getName(), ""))
                    .thenComparing(EndpointPort::getPort).thenComparing(EndpointPort::getProtocol));
            boolean ready = publishNotReady || PodUtil.isReady(pod);
            var lists = byPorts.computeIfAbsent(ports, k -> List.of(new ArrayList<>(), new ArrayList<>()));
            lists.get(ready ? 0 : 1).add(address(pod, service));
        }
        List<EndpointSubset> subsets = new ArrayList<>();
        for (var e : byPorts.entrySet()) {
            List<EndpointAddress> ready = sortByIp(e.getValue().get(0));
            List<EndpointAddress> notReady = sortByIp(e.getValue().get(1));
            subsets.add(new EndpointSubsetBuilder()
                    .withAddresses(ready.isEmpty() ? null : ready)
                    .withNotReadyAddresses(notReady.isEmpty() ? null : notReady)
                    .withPorts(e.getKey())
                    .build());
        }
        return subsets;
    }

    /** Upstream's ShouldPodBeInEndpoints: has an IP, is not terminal, is not being deleted. */
    public static boolean shouldBeInEndpoints(Pod pod, boolean includeTerminating) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isEmpty()) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
    }

    /** The container port a service port's targetPort names in this pod (upstream: podutil.FindPort). */
    public static OptionalInt resolveTargetPort(Pod pod, ServicePort sp) {
        IntOrString target = sp.getTargetPort();
        if (target == null || (target.getIntVal() == null && (target.getStrVal() == null || target.getStrVal().isEmpty()))) {
            return OptionalInt.of(sp.getPort()); // an unset targetPort defaults to port
        }
        if (target.getIntVal() != null) {
            return OptionalInt.of(target.getIntVal());
        }
        String name = target.getStrVal();
        // a string that is a number is still a number
        if (name.chars().allMatch(Character::isDigit)) {
            return OptionalInt.of(Integer.parseInt(name));
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort cp : c.getPorts()) {
                if (name.equals(cp.getName()) && protocol(cp.getProtocol()).equals(protocol(sp.getProtocol()))) {
                    return OptionalInt.of(cp.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    private static EndpointAddress address(Pod pod, Service service) {
        return new EndpointAddressBuilder()
                .withIp(pod.getStatus().getPodIP())
                .withHostname(hostname(pod, service))
                .withNodeName(pod.getSpec().getNodeName())
                .withTargetRef(new ObjectReferenceBuilder()
                        .withKind("Pod")
                        .withNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .withUid(pod.getMetadata().getUid())
                        .build())
                .build();
    }

    /**
     * The DNS name a pod gets under a headless Service (upstream: endpointutil.ShouldSetHostname):
     * its spec.hostname, when its spec.subdomain names this Service. That is what makes
     * {@code web-0.nginx} resolve for a StatefulSet's pods.
     */
    public static String hostname(Pod pod, Service service) {
        String hostname = pod.getSpec().getHostname();
        boolean named = hostname != null && !hostname.isEmpty()
                && service.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && Objects.equals(service.getMetadata().getNamespace(), pod.getMetadata().getNamespace());
        return named ? hostname : null;
    }

    private static List<EndpointAddress> sortByIp(List<EndpointAddress> addresses) {
        List<EndpointAddress> sorted = new ArrayList<>(addresses);
        sorted.sort(Comparator.comparing(EndpointAddress::getIp));
        return sorted;
    }

    private static String protocol(String p) {
        return p == null || p.isEmpty() ? "TCP" : p;
    }
}
