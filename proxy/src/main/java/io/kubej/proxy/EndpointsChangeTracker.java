package io.kubej.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records v1 Endpoints changes from the informer until the next sync, and turns them into the
 * ready {@link Endpoint}s of each Service port.
 *
 * <p>Why v1 Endpoints: the walking skeleton's endpoints controller writes them; EndpointSlices
 * (what upstream kube-proxy reads today) come later and only change this class. An Endpoints
 * subset lists addresses and ports; every ready address serves every port of its subset, and a
 * port is matched to the Service's port by name. Upstream: pkg/proxy/endpointschangetracker.go.
 */
public final class EndpointsChangeTracker {
    private final Map<String, Endpoints> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Boolean> changed = new ConcurrentHashMap<>();

    /** Records an add or update; {@code current == null} records a delete of {@code previous}. */
    public void update(Endpoints previous, Endpoints current) {
        Endpoints any = current != null ? current : previous;
        if (any == null) {
            return;
        }
        String key = any.getMetadata().getNamespace() + "/" + any.getMetadata().getName();
        if (current == null) {
            endpoints.remove(key);
        } else {
            endpoints.put(key, current);
        }
        changed.put(key, Boolean.TRUE);
    }

    /** The names (namespace/name) of Endpoints changed since the last {@link #snapshot()}. */
    public List<String> changedSinceLastSnapshot() {
        return List.copyOf(changed.keySet());
    }

    /** Ready endpoints per Service port (name + protocol), each list sorted for stable rules. */
    public Map<ServicePortKey, List<Endpoint>> snapshot() {
        changed.clear();
        Map<ServicePortKey, List<Endpoint>> out = new HashMap<>();
        for (Endpoints eps : endpoints.values()) {
            endpointsByPort(eps).forEach((k, v) -> out.merge(k, v, (a, b) -> {
                List<Endpoint> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            }));
        }
        out.replaceAll((k, v) -> v.stream().distinct()
                .sorted(Comparator.comparing(Endpoint::ip).thenComparingInt(Endpoint::port)).toList());
        return out;
    }

    /** A Service port as Endpoints name it: the port name plus protocol. */
    public record ServicePortKey(ServicePortName name, String protocol) {
    }

    static Map<ServicePortKey, List<Endpoint>> endpointsByPort(Endpoints eps) {
        Map<ServicePortKey, List<Endpoint>> out = new HashMap<>();
        if (eps.getSubsets() == null) {
            return out;
        }
        String ns = eps.getMetadata().getNamespace();
        String name = eps.getMetadata().getName();
        for (EndpointSubset subset : eps.getSubsets()) {
            if (subset.getPorts() == null || subset.getAddresses() == null) {
                continue; // only ready addresses (subset.addresses) take traffic
            }
            for (EndpointPort port : subset.getPorts()) {
                if (port.getPort() == null) {
                    continue;
                }
                String protocol = port.getProtocol() == null || port.getProtocol().isEmpty() ? "TCP" : port.getProtocol();
                ServicePortKey key = new ServicePortKey(new ServicePortName(ns, name, port.getName()), protocol);
                for (EndpointAddress address : subset.getAddresses()) {
                    if (address.getIp() != null && !address.getIp().contains(":")) {
                        out.computeIfAbsent(key, k -> new ArrayList<>()).add(new Endpoint(address.getIp(), port.getPort()));
                    }
                }
            }
        }
        return out;
    }
}
