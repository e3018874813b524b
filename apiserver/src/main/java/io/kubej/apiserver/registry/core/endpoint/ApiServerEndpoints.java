package io.kubej.apiserver.registry.core.endpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.storage.etcd3.Markers;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the {@code kubernetes} Service: every running API server (upstream's lease
 * endpoint reconciler, {@code pkg/controlplane/reconcilers/lease.go}, the default of
 * {@code --endpoint-reconciler-type}). Each API server keeps {@code masterleases/<ip>} alive in
 * etcd with a 15 s time to live, renewed every 10 s, and writes the Endpoints and EndpointSlice
 * from all live keys; one that stops (or dies) drops out within the time to live, so clients
 * in pods never keep talking to a gone API server.
 */
public final class ApiServerEndpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServerEndpoints.class);
    static final long TTL_SECONDS = 15;
    static final long RENEW_SECONDS = 10;

    private final Markers leases;
    private final String address;
    private final int port;
    private final Store endpoints;
    private final Store slices;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("apiserver-endpoints").factory());

    public ApiServerEndpoints(Markers leases, ResourceRegistry registry, String address, int port) {
        this.leases = leases;
        this.address = address;
        this.port = port;
        this.endpoints = registry.store("", "endpoints");
        this.slices = registry.store("discovery.k8s.io", "endpointslices");
    }

    /** Announces this API server now, then keeps doing so. */
    public void start() {
        reconcile();
        timer.scheduleWithFixedDelay(() -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                log.info("kubernetes endpoints: renewal failed, again in {} s: {}", RENEW_SECONDS, e.toString());
            }
        }, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
    }

    /** Renews this server's lease (its value is the server's port) and writes the endpoints of all live ones. */
    public synchronized void reconcile() {
        leases.hold(address, Integer.toString(port), TTL_SECONDS);
        write(live());
    }

    /** Live API servers: address to secure port, ordered by address. */
    private TreeMap<String, Integer> live() {
        TreeMap<String, Integer> out = new TreeMap<>();
        leases.claims().forEach((ip, p) -> out.put(ip, Integer.parseInt(p)));
        return out;
    }

    /**
     * Endpoints: one subset per port (every API server of a real cluster shares --secure-port,
     * so normally one). The EndpointSlice has one port, so it lists the servers on the port of
     * the first one.
     */
    private void write(TreeMap<String, Integer> servers) {
        ArrayNode subsets = Json.array();
        new TreeSet<>(servers.values()).forEach(p -> {
            ObjectNode subset = subsets.addObject();
            ArrayNode list = subset.putArray("addresses");
            servers.forEach((ip, sp) -> {
                if (sp.equals(p)) {
                    list.addObject().put("ip", ip);
                }
            });
            subset.putArray("ports").addObject().put("name", "https").put("port", p).put("protocol", "TCP");
        });
        endpoints.update("default", "kubernetes", cur -> {
            Json.metadata(cur).remove("resourceVersion");
            cur.set("subsets", subsets);
            return cur;
        });
        int slicePort = servers.firstEntry().getValue();
        List<String> onSlicePort = new ArrayList<>();
        servers.forEach((ip, sp) -> {
            if (sp == slicePort) {
                onSlicePort.add(ip);
            }
        });
        slices.update("default", "kubernetes", cur -> {
            Json.metadata(cur).remove("resourceVersion");
            ArrayNode eps = cur.putArray("endpoints");
            onSlicePort.forEach(ip -> {
                ObjectNode e = eps.addObject();
                e.putArray("addresses").add(ip);
                e.putObject("conditions").put("ready", true);
            });
            cur.putArray("ports").addObject().put("name", "https").put("port", slicePort).put("protocol", "TCP");
            return cur;
        });
    }

    /** A clean stop removes this server at once instead of after the time to live. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        try {
            leases.release(address);
            TreeMap<String, Integer> rest = live();
            if (!rest.isEmpty()) {
                write(rest);
            }
        } catch (RuntimeException e) {
            log.info("kubernetes endpoints: could not remove this server on shutdown: {}", e.toString());
        }
    }
}
