package io.kubej.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records Service changes from the informer until the next sync, and turns the recorded Services
 * into the {@link ServicePort}s the proxier programs.
 *
 * <p>Why: informer handlers must stay cheap (they run on the informer's thread); they only record
 * the newest object and ask for a sync. The proxier reads a consistent snapshot at sync time.
 * kubej recomputes every port at each sync (a full sync); upstream's tracker also remembers
 * which services changed so a partial sync (KEP-3453, MinimizeIPTablesRestore) can rewrite only
 * their chains - {@link #changedSinceLastSnapshot()} is where that would start.
 * Upstream: pkg/proxy/servicechangetracker.go.
 */
public final class ServiceChangeTracker {
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Boolean> changed = new ConcurrentHashMap<>();

    /** Records an add or update; {@code current == null} records a delete of {@code previous}. */
    public void update(Service previous, Service current) {
        Service any = current != null ? current : previous;
        if (any == null) {
            return;
        }
        String key = any.getMetadata().getNamespace() + "/" + any.getMetadata().getName();
        if (current == null) {
            services.remove(key);
        } else {
            services.put(key, current);
        }
        changed.put(key, Boolean.TRUE);
    }

    /** The names (namespace/name) of Services changed since the last {@link #snapshot()}. */
    public List<String> changedSinceLastSnapshot() {
        return List.copyOf(changed.keySet());
    }

    /**
     * All Service ports kube-proxy should program now, in a stable order (so the same state
     * always yields the same rules). Headless and ExternalName Services have no cluster IP and
     * are skipped, as upstream does.
     */
    public List<ServicePort> snapshot() {
        changed.clear();
        List<ServicePort> ports = new ArrayList<>();
        for (Service svc : services.values()) {
            ports.addAll(servicePorts(svc));
        }
        ports.sort(Comparator.comparing((ServicePort p) -> p.name().toString()).thenComparing(ServicePort::protocol));
        return ports;
    }

    static List<ServicePort> servicePorts(Service svc) {
        ServiceSpec spec = svc.getSpec();
        if (spec == null || "ExternalName".equals(spec.getType())) {
            return List.of();
        }
        String clusterIP = spec.getClusterIP();
        if (clusterIP == null || clusterIP.isEmpty() || "None".equals(clusterIP) || clusterIP.contains(":")) {
            return List.of(); // headless, not yet allocated, or IPv6 (IPv4-only for now)
        }
        List<ServicePort> out = new ArrayList<>();
        if (spec.getPorts() == null) {
            return out;
        }
        for (var p : spec.getPorts()) {
            if (p.getPort() == null) {
                continue;
            }
            String protocol = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
            out.add(new ServicePort(
                    new ServicePortName(svc.getMetadata().getNamespace(), svc.getMetadata().getName(), p.getName()),
                    clusterIP, p.getPort(), protocol));
        }
        return out;
    }
}
