package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the node lifecycle controller decides that a kubelet went silent (upstream:
 * {@code tryUpdateNodeHealth} in pkg/controller/nodelifecycle). Two heartbeats count: the Ready
 * condition's {@code lastHeartbeatTime} in the Node's status and the node's Lease in
 * {@code kube-node-lease} (KEP-589: the kubelet renews the small Lease every 10 s and posts its
 * full status far less often). Whenever either changes, the controller notes its own clock as
 * the node's probe time; the kubelet's clock is never compared with ours.
 *
 * <p>When neither changed for the grace period ({@code --node-monitor-grace-period}, or
 * {@code --node-startup-grace-period} for a node that never posted Ready), every condition the
 * kubelet owns becomes Unknown: nobody knows any more whether the node is ready, short of
 * memory, disk or PIDs.
 */
final class NodeHealth {
    static final String READY = "Ready";
    /** The conditions the kubelet posts and the controller sets Unknown when it stops (upstream's list). */
    static final List<String> KUBELET_CONDITIONS = List.of(READY, "MemoryPressure", "DiskPressure", "PIDPressure");

    private NodeHealth() {
    }

    /**
     * What the controller last saw of a node: the heartbeats, and when (by its own clock) one
     * of them last changed.
     */
    record Probe(Instant probeTime, String readyHeartbeat, ZonedDateTime leaseRenewTime) {
    }

    /** The probe after looking at {@code node} and its {@code lease} (null if none) at {@code now}. */
    static Probe observe(Probe previous, Node node, Lease lease, Instant now) {
        NodeCondition ready = condition(node, READY);
        String heartbeat = ready == null ? null : ready.getLastHeartbeatTime();
        ZonedDateTime renew = lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
        if (previous == null) {
            // first sight (or a restarted controller): give the node a full grace period from now
            return new Probe(now, heartbeat, renew);
        }
        boolean changed = !Objects.equals(previous.readyHeartbeat(), heartbeat)
                || renew != null && !renew.equals(previous.leaseRenewTime());
        return new Probe(changed ? now : previous.probeTime(), heartbeat, renew);
    }

    /** Whether the node's heartbeats are older than its grace period. */
    static boolean stale(Probe probe, Node node, Instant now, Duration monitorGrace, Duration startupGrace) {
        Duration grace = condition(node, READY) == null ? startupGrace : monitorGrace;
        return now.isAfter(probe.probeTime().plus(grace));
    }

    /**
     * The node's conditions with every kubelet-owned one Unknown: an existing one keeps its
     * heartbeat and changes its transition time only if its status changes; a missing one is
     * added, as never updated.
     */
    static List<NodeCondition> unknownConditions(Node node, Instant now) {
        String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> out = new ArrayList<>();
        List<NodeCondition> current = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        for (NodeCondition c : current) {
            if (!KUBELET_CONDITIONS.contains(c.getType())) {
                out.add(c);
                continue;
            }
            NodeConditionBuilder b = new NodeConditionBuilder(c).withStatus("Unknown")
                    .withReason("NodeStatusUnknown").withMessage("Kubelet stopped posting node status.");
            if (!"Unknown".equals(c.getStatus())) {
                b.withLastTransitionTime(nowText);
            }
            out.add(b.build());
        }
        for (String type : KUBELET_CONDITIONS) {
            if (current.stream().noneMatch(c -> type.equals(c.getType()))) {
                out.add(new NodeConditionBuilder().withType(type).withStatus("Unknown")
                        .withReason("NodeStatusNeverUpdated").withMessage("Kubelet never posted node status.")
                        .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                        .withLastTransitionTime(nowText).build());
            }
        }
        return out;
    }

    /** Whether every kubelet-owned condition is already Unknown (nothing to write). */
    static boolean allUnknown(Node node) {
        return KUBELET_CONDITIONS.stream().allMatch(t -> {
            NodeCondition c = condition(node, t);
            return c != null && "Unknown".equals(c.getStatus());
        });
    }

    /** The Ready condition's status: True, False, Unknown, or null when the kubelet never posted it. */
    static String readyStatus(Node node) {
        NodeCondition c = condition(node, READY);
        return c == null ? null : c.getStatus();
    }

    static NodeCondition condition(Node node, String type) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
