package io.kubej.controller.podgc;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The pod garbage collector (upstream: pkg/controller/podgc, {@code pod-garbage-collector}
 * service account). Unlike most controllers it is not driven by events: every gc check period
 * (20 s) one pass looks at every cached pod and force-deletes (grace period 0) those
 * {@link PodGcSelection} picks, because no kubelet is left to finish them gracefully.
 *
 * <p>A node missing from the cache is not trusted at once: it is quarantined (40 s) and then
 * asked of the API server, so a pod is never removed because a watch lagged. A pod that was
 * not finished yet is first marked Failed (with {@code DisruptionTarget}, reason
 * {@code DeletionByPodGC}, for orphans), so its owner counts it as failed rather than lost.
 */
public final class PodGcController extends KeyedController {
    public static final String NAME = "pod-garbage-collector-controller";
    /** The only key: one pass over everything. */
    private static final String PASS = "gc";

    private final KubernetesClient client;
    private final Lister<Pod> pods;
    private final Lister<Node> nodes;
    private final int terminatedPodThreshold;
    private final Duration gcCheckPeriod;
    private final Duration quarantineTime;
    /** Node name -> when a pod was first seen bound to it while the cache did not have it. */
    private final Map<String, Instant> quarantined = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, NAME + "-ticker");
        t.setDaemon(true);
        return t;
    });

    public PodGcController(KubernetesClient client, SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Node> nodeInformer,
                           int terminatedPodThreshold, Duration gcCheckPeriod, Duration quarantineTime) {
        super(NAME, List.of(podInformer, nodeInformer));
        this.client = client;
        this.pods = new Lister<>(podInformer.getIndexer());
        this.nodes = new Lister<>(nodeInformer.getIndexer());
        this.terminatedPodThreshold = terminatedPodThreshold;
        this.gcCheckPeriod = gcCheckPeriod;
        this.quarantineTime = quarantineTime;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        super.run(1, cacheSyncTimeout); // one pass at a time
        long period = gcCheckPeriod.toMillis();
        ticker.scheduleAtFixedRate(() -> queue.add(PASS), 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void syncHandler(String key) {
        List<Pod> all = pods.list();
        List<String> errors = new ArrayList<>();
        for (Pod pod : PodGcSelection.terminatedOverThreshold(all, terminatedPodThreshold)) {
            forceDelete(pod, null, "terminated pods over --terminated-pod-gc-threshold=" + terminatedPodThreshold, errors);
        }
        for (Pod pod : PodGcSelection.terminatingOutOfService(all, nodes::get)) {
            forceDelete(pod, null, "terminating on an out-of-service node", errors);
        }
        Set<String> gone = deletedNodes(all);
        for (Pod pod : PodGcSelection.onNodes(all, gone)) {
            forceDelete(pod, Map.of("type", "DisruptionTarget", "status", "True", "reason", "DeletionByPodGC",
                    "message", "PodGC: node no longer exists"), "orphaned: node " + pod.getSpec().getNodeName() + " is gone", errors);
        }
        for (Pod pod : PodGcSelection.unscheduledTerminating(all)) {
            forceDelete(pod, null, "terminating and never scheduled", errors);
        }
        if (!errors.isEmpty()) {
            log.info("PodGC: {} deletions failed, first: {}", errors.size(), errors.get(0));
        }
    }

    /**
     * The nodes pods are bound to that are gone for sure: missing from the cache for the whole
     * quarantine, and not found by a GET either.
     */
    private Set<String> deletedNodes(List<Pod> all) {
        Set<String> existing = nodes.list().stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> missing = PodGcSelection.missingNodes(all, existing);
        Instant now = Instant.now();
        quarantined.keySet().retainAll(missing);
        missing.forEach(n -> quarantined.putIfAbsent(n, now));
        Set<String> gone = new HashSet<>();
        for (Map.Entry<String, Instant> e : new LinkedHashMap<>(quarantined).entrySet()) {
            if (now.isBefore(e.getValue().plus(quarantineTime))) {
                continue;
            }
            try {
                if (client.nodes().withName(e.getKey()).get() == null) {
                    gone.add(e.getKey());
                }
            } catch (KubernetesClientException ex) {
                log.info("PodGC: cannot tell whether node {} exists: {}", e.getKey(), ex.getMessage());
            }
        }
        return gone;
    }

    /** Upstream's markFailedAndDeletePodWithCondition: Failed first (with the condition), then delete with grace period 0. */
    private void forceDelete(Pod pod, Map<String, Object> condition, String why, List<String> errors) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            if (!PodGcSelection.isTerminated(pod)) {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("phase", "Failed");
                if (condition != null) {
                    Map<String, Object> c = new LinkedHashMap<>(condition);
                    c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                    status.put("conditions", List.of(c));
                }
                client.pods().inNamespace(ns).resource(pod).subresource("status")
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(Map.of("status", status)));
            }
            client.pods().inNamespace(ns).resource(pod).withGracePeriod(0).delete();
            log.info("PodGC force-deleted pod {}/{}: {}", ns, name, why);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                errors.add(ns + "/" + name + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        super.close();
    }
}
