package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Zone-aware eviction (upstream: {@code ComputeZoneState} and the per-zone rate-limited taint
 * queues of pkg/controller/nodelifecycle). Nodes fail together when their zone does (power,
 * network), and a failing zone should not have every pod evicted at once, nor should a control
 * plane cut off from all zones evict anything:
 * <ul>
 *   <li>Normal zone: new NoExecute taints at {@code --node-eviction-rate} nodes per second;</li>
 *   <li>partial disruption (more than 2 nodes and at least {@code --unhealthy-zone-threshold} of
 *       them not Ready): at {@code --secondary-node-eviction-rate} in a zone larger than
 *       {@code --large-cluster-size-threshold}, else not at all;</li>
 *   <li>full disruption (no node Ready): the normal rate, unless every zone is fully disrupted
 *       ("master disruption mode"), when no node is tainted and those tainted are untainted.</li>
 * </ul>
 */
public final class Zones {
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final String REGION_LABEL = "topology.kubernetes.io/region";

    enum State { NORMAL, PARTIAL_DISRUPTION, FULL_DISRUPTION }

    /** The flags that set the rates (upstream's names and defaults: 0.1, 0.01, 0.55, 50). */
    public record Rates(double evictionRate, double secondaryEvictionRate, double unhealthyZoneThreshold, int largeClusterSizeThreshold) {
        public static final Rates DEFAULTS = new Rates(0.1, 0.01, 0.55, 50);
    }

    private Zones() {
    }

    /** Upstream's GetZoneKey: region and zone together (a zone name is unique only within its region). */
    static String zoneOf(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        String region = labels.getOrDefault(REGION_LABEL, labels.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
        String zone = labels.getOrDefault(ZONE_LABEL, labels.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
        return region + ":" + zone;
    }

    /** A zone's state from its nodes' Ready statuses (null: never posted, counts as not Ready). */
    static State state(List<String> readyStatuses, double unhealthyZoneThreshold) {
        int ready = (int) readyStatuses.stream().filter("True"::equals).count();
        int notReady = readyStatuses.size() - ready;
        if (ready == 0 && notReady > 0) {
            return State.FULL_DISRUPTION;
        }
        if (notReady > 2 && (double) notReady / readyStatuses.size() >= unhealthyZoneThreshold) {
            return State.PARTIAL_DISRUPTION;
        }
        return State.NORMAL;
    }

    /** Every zone's state. */
    static Map<String, State> states(List<Node> nodes, double unhealthyZoneThreshold) {
        Map<String, List<String>> byZone = new HashMap<>();
        for (Node n : nodes) {
            byZone.computeIfAbsent(zoneOf(n), z -> new java.util.ArrayList<>()).add(NodeHealth.readyStatus(n));
        }
        Map<String, State> out = new HashMap<>();
        byZone.forEach((zone, statuses) -> out.put(zone, state(statuses, unhealthyZoneThreshold)));
        return out;
    }

    /** Master disruption mode: there are zones, and all of them are fully disrupted. */
    static boolean allFullyDisrupted(Map<String, State> states) {
        return !states.isEmpty() && states.values().stream().allMatch(s -> s == State.FULL_DISRUPTION);
    }

    /** Nodes per second that may newly get a NoExecute taint in a zone of {@code zoneSize} nodes in {@code state}. */
    static double taintRate(State state, int zoneSize, Rates rates) {
        return switch (state) {
            case NORMAL, FULL_DISRUPTION -> rates.evictionRate();
            case PARTIAL_DISRUPTION -> zoneSize > rates.largeClusterSizeThreshold() ? rates.secondaryEvictionRate() : 0;
        };
    }

    /**
     * A token bucket with a burst of one (upstream's flowcontrol rate limiter as the taint queues
     * use it): the first node goes at once, each next one 1/rate seconds later.
     */
    static final class Limiter {
        private double rate;
        private Instant next = Instant.EPOCH;

        Limiter(double rate) {
            this.rate = rate;
        }

        /** Upstream's SwapLimiter: a new rate from now on. */
        synchronized void setRate(double newRate) {
            rate = newRate;
        }

        /** Takes a token if one is there; else how long until the next (null: none will come at this rate). */
        synchronized Duration tryAccept(Instant now) {
            if (rate <= 0) {
                return null;
            }
            if (!now.isBefore(next)) {
                next = now.plusNanos((long) (1_000_000_000L / rate));
                return Duration.ZERO;
            }
            return Duration.between(now, next);
        }
    }
}
