package io.kubej.apiserver.registry.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.Store;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ClusterIP and node-port claims true to the Services (upstream's repair controllers,
 * {@code pkg/registry/core/service/ipallocator/controller/repair.go} and its portallocator
 * twin), at start-up and every three minutes. A claim no Service holds is a leak (an API server
 * died between claiming and writing): it is released once it has been a leak at two runs in a
 * row, so a create still in flight keeps its claim. A Service whose address or port has no claim
 * (restored etcd data, a claim deleted by hand) gets its claim back, so nobody else is handed it.
 */
public final class AllocationRepair implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AllocationRepair.class);
    public static final Duration INTERVAL = Duration.ofMinutes(3);

    private final Store services;
    private final ClusterIPAllocator ips;
    private final NodePortAllocator nodePorts;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("service-allocation-repair").factory());
    private Set<String> suspectedIps = Set.of();
    private Set<String> suspectedPorts = Set.of();

    public AllocationRepair(Store services, ClusterIPAllocator ips, NodePortAllocator nodePorts) {
        this.services = services;
        this.ips = ips;
        this.nodePorts = nodePorts;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runSafely, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.info("service allocation repair failed, again in {}: {}", INTERVAL, e.toString());
        }
    }

    /** One pass over every Service (read from etcd, not a cache) and every claim. */
    public synchronized void runOnce() {
        Map<String, String> usedIps = new HashMap<>();
        Map<String, String> usedPorts = new HashMap<>();
        for (ObjectNode svc : services.list(null, ListOptions.everything()).items()) {
            String owner = svc.path("metadata").path("namespace").asText() + "/" + svc.path("metadata").path("name").asText();
            JsonNode spec = svc.path("spec");
            String ip = spec.path("clusterIP").asText("");
            if (!ip.isEmpty() && !ip.equals("None") && ips.contains(ip)) {
                usedIps.put(ip, owner);
            }
            ServiceStrategy.allNodePorts(spec).forEach(p -> usedPorts.put(Integer.toString(p), owner));
        }
        suspectedIps = repair("ClusterIP", ips.allocated(), usedIps, suspectedIps, ip -> ips.allocate(ip, usedIps.get(ip)), ips::release);
        suspectedPorts = repair("node port", nodePorts.allocated(), usedPorts, suspectedPorts,
                p -> nodePorts.allocate(Integer.parseInt(p), usedPorts.get(p)), p -> nodePorts.release(Integer.parseInt(p)));
    }

    /** Re-claims what is used but unclaimed; releases what was unused at this and the previous run; returns this run's leaks. */
    private static Set<String> repair(String what, Map<String, String> claimed, Map<String, String> used, Set<String> suspectedBefore,
                                      java.util.function.Predicate<String> claim, java.util.function.Consumer<String> release) {
        used.forEach((value, owner) -> {
            if (!claimed.containsKey(value) && claim.test(value)) {
                log.info("repair: {} {} of service {} was not claimed; claimed it again", what, value, owner);
            }
        });
        Set<String> leaks = new HashSet<>();
        for (String value : claimed.keySet()) {
            if (!used.containsKey(value)) {
                if (suspectedBefore.contains(value)) {
                    release.accept(value);
                    log.info("repair: released leaked {} {} (held for {}, no such service)", what, value, claimed.get(value));
                } else {
                    leaks.add(value);
                }
            }
        }
        return leaks;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
