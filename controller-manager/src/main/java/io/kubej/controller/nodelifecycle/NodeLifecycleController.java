package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.KeyedController;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node lifecycle controller (upstream: pkg/controller/nodelifecycle, acting as the
 * {@code node-controller} service account). Every {@code --node-monitor-period} it looks at each
 * Node and its Lease ({@link NodeHealth}); a node whose kubelet stopped for
 * {@code --node-monitor-grace-period}:
 * <ol>
 *   <li>gets its conditions Unknown ({@code NodeStatusUnknown}, "Kubelet stopped posting node
 *       status.") and a {@code NodeNotReady} Event;</li>
 *   <li>has its pods marked Ready=False, so Services stop sending them traffic;</li>
 *   <li>is tainted {@code node.kubernetes.io/unreachable:NoExecute} (or {@code not-ready} when
 *       the kubelet itself says Ready=False), which the taint eviction controller acts on, and
 *       the matching NoSchedule taints ({@link NodeTaints}).</li>
 * </ol>
 * When the kubelet is back and posts Ready=True, the taints go.
 *
 * <p>New NoExecute taints are rate-limited per zone, and stop when every zone looks dead
 * ({@link Zones}); removing taints never waits.
 */
public final class NodeLifecycleController extends KeyedController {
    public static final String NAME = "node-lifecycle-controller";
    static final String LEASE_NAMESPACE = "kube-node-lease";

    private final KubernetesClient client;
    private final Lister<Node> nodes;
    private final Lister<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final Duration monitorPeriod;
    private final Duration monitorGracePeriod;
    private final Duration startupGracePeriod;
    private final Zones.Rates rates;
    private volatile Map<String, Zones.State> zoneStates = Map.of();
    private final Map<String, Zones.Limiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, NodeHealth.Probe> probes = new ConcurrentHashMap<>();
    private final EventRecorder recorder;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, NAME + "-monitor");
        t.setDaemon(true);
        return t;
    });

    public NodeLifecycleController(KubernetesClient client, SharedIndexInformer<Node> nodeInformer,
                                   SharedIndexInformer<Lease> leaseInformer, SharedIndexInformer<Pod> podInformer,
                                   Duration monitorPeriod, Duration monitorGracePeriod, Duration startupGracePeriod,
                                   Zones.Rates rates) {
        super(NAME, List.of(nodeInformer, leaseInformer, podInformer));
        this.client = client;
        this.nodes = new Lister<>(nodeInformer.getIndexer());
        this.leases = new Lister<>(leaseInformer.getIndexer());
        this.pods = podInformer;
        PodsByNode.index(podInformer);
        this.monitorPeriod = monitorPeriod;
        this.monitorGracePeriod = monitorGracePeriod;
        this.startupGracePeriod = startupGracePeriod;
        this.rates = rates;
        this.recorder = new EventRecorder(client, "node-controller");
        nodeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queue.add(node.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {
                queue.add(newNode.getMetadata().getName());
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                queue.add(node.getMetadata().getName());
            }
        });
        leaseInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease lease) {
                enqueueLease(lease);
            }

            @Override
            public void onUpdate(Lease oldLease, Lease newLease) {
                enqueueLease(newLease);
            }

            @Override
            public void onDelete(Lease lease, boolean finalStateUnknown) {
                enqueueLease(lease);
            }
        });
    }

    private void enqueueLease(Lease lease) {
        if (LEASE_NAMESPACE.equals(lease.getMetadata().getNamespace())) {
            queue.add(lease.getMetadata().getName()); // a node's Lease is named after the node
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the workers, then upstream's monitorNodeHealth loop: every node, every monitor period. */
    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        super.run(workers, cacheSyncTimeout);
        long period = monitorPeriod.toMillis();
        ticker.scheduleAtFixedRate(this::monitorNodeHealth, 0, period, TimeUnit.MILLISECONDS);
    }

    /** One monitor pass: the zones' states and their taint rates, then every node looked at again. */
    private void monitorNodeHealth() {
        try {
            List<Node> all = nodes.list();
            Map<String, Zones.State> states = Zones.states(all, rates.unhealthyZoneThreshold());
            Map<String, Integer> sizes = new java.util.HashMap<>();
            all.forEach(n -> sizes.merge(Zones.zoneOf(n), 1, Integer::sum));
            states.forEach((zone, state) -> {
                if (state != zoneStates.get(zone)) {
                    log.info("Zone {} is now in state {}", zone.equals(":") ? "(none)" : zone, state);
                }
                limiter(zone).setRate(Zones.taintRate(state, sizes.get(zone), rates));
            });
            if (Zones.allFullyDisrupted(states) && !Zones.allFullyDisrupted(zoneStates)) {
                log.info("No node in any zone is Ready: master disruption mode, no NoExecute taints until one is");
            }
            zoneStates = states;
            all.forEach(n -> queue.add(n.getMetadata().getName()));
        } catch (RuntimeException e) {
            log.warn("node health monitor pass failed: {}", e.toString());
        }
    }

    private Zones.Limiter limiter(String zone) {
        return limiters.computeIfAbsent(zone, z -> new Zones.Limiter(rates.evictionRate()));
    }

    @Override
    protected void syncHandler(String nodeName) {
        Node cached = nodes.get(nodeName);
        if (cached == null) {
            probes.remove(nodeName);
            return;
        }
        Instant now = Instant.now();
        Lease lease = leases.namespace(LEASE_NAMESPACE).get(nodeName);
        NodeHealth.Probe probe = NodeHealth.observe(probes.get(nodeName), cached, lease, now);
        probes.put(nodeName, probe);

        Node node = cached;
        String wasReady = NodeHealth.readyStatus(node);
        if (NodeHealth.stale(probe, node, now, monitorGracePeriod, startupGracePeriod) && !NodeHealth.allUnknown(node)) {
            node = markUnknown(node, now);
            if ("True".equals(wasReady)) {
                recorder.event(node, EventRecorder.NORMAL, "NodeNotReady", "Node " + nodeName + " status is now: NodeNotReady");
            }
        }
        if ("Unknown".equals(NodeHealth.readyStatus(node))) {
            markPodsNotReady(nodeName);
        }
        reconcileTaints(node, now);
    }

    /** Writes the Unknown conditions through nodes/status; returns the Node as stored. */
    private Node markUnknown(Node cached, Instant now) {
        Node copy = Serialization.clone(cached);
        if (copy.getStatus() == null) {
            copy.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
        }
        copy.getStatus().setConditions(NodeHealth.unknownConditions(cached, now));
        log.info("Node {} hasn't been updated for more than {}: conditions set Unknown", cached.getMetadata().getName(), monitorGracePeriod);
        return client.nodes().resource(copy).updateStatus();
    }

    /** Upstream's MarkPodsNotReady: the node's pods stop being Ready, so their endpoints stop serving. */
    private void markPodsNotReady(String nodeName) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (Pod pod : PodsByNode.on(pods, nodeName)) {
            if (!PodUtil.isReady(pod)) {
                continue;
            }
            PodCondition ready = pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
            Map<String, Object> condition = Map.of("type", "Ready", "status", "False", "lastTransitionTime", now,
                    "reason", Objects.requireNonNullElse(ready.getReason(), ""), "message", Objects.requireNonNullElse(ready.getMessage(), ""));
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).subresource("status")
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                                Serialization.asJson(Map.of("status", Map.of("conditions", List.of(condition)))));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    private void reconcileTaints(Node node, Instant now) {
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        List<Taint> want = NodeTaints.desired(node, conditions, !Zones.allFullyDisrupted(zoneStates), now);
        boolean addsNoExecute = NodeTaints.noExecute(node).stream().noneMatch(NodeTaints::owned)
                && want.stream().anyMatch(t -> NodeTaints.NO_EXECUTE.equals(t.getEffect()) && NodeTaints.owned(t));
        if (addsNoExecute) {
            Duration wait = limiter(Zones.zoneOf(node)).tryAccept(now);
            if (wait == null || !wait.isZero()) {
                // this zone's rate says not yet (or, in a partial disruption of a small zone, not at all)
                want = want.stream().filter(t -> !(NodeTaints.NO_EXECUTE.equals(t.getEffect()) && NodeTaints.owned(t))).toList();
                queue.addAfter(node.getMetadata().getName(), wait == null ? monitorPeriod : wait);
            }
        }
        if (NodeTaints.sameTaints(current, want)) {
            return;
        }
        Node copy = Serialization.clone(node);
        if (copy.getSpec() == null) {
            copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
        }
        copy.getSpec().setTaints(want);
        // with the resourceVersion read: a concurrent change makes this a 409, and the key is retried
        client.nodes().resource(copy).update();
        log.info("Node {} taints now {}", node.getMetadata().getName(),
                want.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        super.close();
        recorder.close();
    }
}
