package io.kubej.controller.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.ActivePodsWithRanks;
import io.kubej.controller.ControllerExpectations;
import io.kubej.controller.ControllerRefManager;
import io.kubej.controller.PodControl;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Keeps {@code spec.replicas} pods matching each ReplicaSet's selector running (upstream:
 * pkg/controller/replicaset/replica_set.go).
 *
 * <p>One sync, for one ReplicaSet key:
 * <ol>
 *   <li>read the ReplicaSet and all pods of its namespace from the informer caches;</li>
 *   <li>claim pods: adopt orphans its selector matches, release owned pods it no longer matches
 *       (ownerReferences, controller=true);</li>
 *   <li>if the expectations from the last sync are satisfied, create or delete the difference
 *       (creates in slow-start batches 1, 2, 4, ...; deletes ranked by {@link ActivePodsWithRanks});</li>
 *   <li>write status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 *       observedGeneration, the ReplicaFailure condition) through replicasets/status.</li>
 * </ol>
 */
public final class ReplicaSetController extends KeyedController {
    public static final String NAME = "replicaset-controller";
    /** Upstream's BurstReplicas: at most this many creates or deletes per sync. */
    static final int BURST_REPLICAS = 500;
    /** Upstream's SlowStartInitialBatchSize. */
    static final int SLOW_START_INITIAL_BATCH_SIZE = 1;

    private final String name;
    private final ReplicaSetKind<?> kind;
    private final KubernetesClient client;
    /** The owners in one namespace, from the informer cache, converted by {@link #kind}. */
    private final Function<String, List<ReplicaSet>> cachedInNamespace;
    /** One owner ({@code namespace/name}) from the informer cache, converted, or null. */
    private final Function<String, ReplicaSet> cached;
    private final Lister<Pod> podLister;
    private final ControllerExpectations expectations = new ControllerExpectations();
    private final EventRecorder recorder;
    private final PodControl podControl;
    private final ExecutorService apiCalls = Executors.newVirtualThreadPerTaskExecutor();

    public ReplicaSetController(KubernetesClient client, SharedIndexInformer<ReplicaSet> rsInformer,
            SharedIndexInformer<Pod> podInformer) {
        this(NAME, "replicaset-controller", ReplicaSetKind.REPLICA_SET, client, rsInformer, podInformer);
    }

    /**
     * The controller for {@code kind}'s objects (ReplicaSets, or ReplicationControllers through
     * their adapter), named {@code name}, recording Events as {@code eventSource}.
     */
    public <T extends HasMetadata> ReplicaSetController(String name, String eventSource, ReplicaSetKind<T> kind,
            KubernetesClient client, SharedIndexInformer<T> ownerInformer, SharedIndexInformer<Pod> podInformer) {
        super(name, List.of(ownerInformer, podInformer));
        this.name = name;
        this.kind = kind;
        this.client = client;
        Lister<T> lister = new Lister<>(ownerInformer.getIndexer());
        this.cachedInNamespace = ns -> lister.namespace(ns).list().stream().map(kind::toReplicaSet).toList();
        this.cached = key -> {
            T obj = lister.namespace(Keys.namespace(key)).get(Keys.name(key));
            return obj == null ? null : kind.toReplicaSet(obj);
        };
        this.podLister = new Lister<>(podInformer.getIndexer());
        this.recorder = new EventRecorder(client, eventSource);
        this.podControl = new PodControl(client, recorder);
        ownerInformer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T rs) {
                queue.add(Keys.of(rs));
            }

            @Override
            public void onUpdate(T oldRs, T newRs) {
                queue.add(Keys.of(newRs));
            }

            @Override
            public void onDelete(T rs, boolean finalStateUnknown) {
                expectations.deleteExpectations(Keys.of(rs));
                queue.add(Keys.of(rs));
            }
        });
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                addPod(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                updatePod(oldPod, newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                deletePod(pod);
            }
        });
    }

    @Override
    public String name() {
        return name;
    }

    // ---- event handlers: they only note expectations and enqueue keys ----

    private void addPod(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // a restarted controller may see a pod already being deleted: that is a deletion
            deletePod(pod);
            return;
        }
        ReplicaSet owner = resolveControllerRef(pod);
        if (owner != null) {
            expectations.creationObserved(Keys.of(owner));
            queue.add(Keys.of(owner));
            return;
        }
        // an orphan: every ReplicaSet that matches it may want to adopt it
        if (PodUtil.controllerRef(pod).isEmpty()) {
            matchingReplicaSets(pod).forEach(rs -> queue.add(Keys.of(rs)));
        }
    }

    private void updatePod(Pod oldPod, Pod newPod) {
        if (Objects.equals(oldPod.getMetadata().getResourceVersion(), newPod.getMetadata().getResourceVersion())) {
            return; // a periodic resync: nothing changed
        }
        if (newPod.getMetadata().getDeletionTimestamp() != null) {
            deletePod(newPod);
            return;
        }
        ReplicaSet oldOwner = resolveControllerRef(oldPod);
        ReplicaSet newOwner = resolveControllerRef(newPod);
        if (oldOwner != null && (newOwner == null || !Keys.of(oldOwner).equals(Keys.of(newOwner)))) {
            queue.add(Keys.of(oldOwner));
        }
        if (newOwner != null) {
            queue.add(Keys.of(newOwner));
            // a pod that just became ready may become available only after minReadySeconds
            int minReady = newOwner.getSpec().getMinReadySeconds() == null ? 0 : newOwner.getSpec().getMinReadySeconds();
            if (minReady > 0 && !PodUtil.isReady(oldPod) && PodUtil.isReady(newPod)) {
                queue.addAfter(Keys.of(newOwner), Duration.ofSeconds(minReady + 1));
            }
            return;
        }
        if (PodUtil.controllerRef(newPod).isEmpty()) {
            matchingReplicaSets(newPod).forEach(rs -> queue.add(Keys.of(rs)));
        }
    }

    private void deletePod(Pod pod) {
        ReplicaSet owner = resolveControllerRef(pod);
        if (owner != null) {
            expectations.deletionObserved(Keys.of(owner), Keys.of(pod));
            queue.add(Keys.of(owner));
        }
    }

    /** The ReplicaSet a controllerRef names, if it is in the cache with the same UID. */
    private ReplicaSet resolveControllerRef(Pod pod) {
        OwnerReference ref = PodUtil.controllerRef(pod).orElse(null);
        if (ref == null || !kind.kind().equals(ref.getKind())) {
            return null;
        }
        ReplicaSet rs = cached.apply(pod.getMetadata().getNamespace() + "/" + ref.getName());
        return rs != null && Objects.equals(rs.getMetadata().getUid(), ref.getUid()) ? rs : null;
    }

    private List<ReplicaSet> matchingReplicaSets(Pod pod) {
        return cachedInNamespace.apply(pod.getMetadata().getNamespace()).stream()
                .filter(rs -> LabelSelectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels()))
                .toList();
    }

    // ---- the sync ----

    @Override
    protected void syncHandler(String key) throws Exception {
        // a converted copy: the cache is never mutated
        ReplicaSet rs = cached.apply(key);
        if (rs == null) {
            log.debug("ReplicaSet {} has been deleted", key);
            expectations.deleteExpectations(key);
            return;
        }
        boolean rsNeedsSync = expectations.satisfiedExpectations(key);

        List<Pod> active = podLister.namespace(rs.getMetadata().getNamespace()).list().stream()
                .filter(PodUtil::isActive).toList();
        List<Pod> owned = claimPods(rs, active);

        String manageError = null;
        if (rsNeedsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            manageError = manageReplicas(owned, rs);
        }
        updateStatus(rs, calculateStatus(rs, owned, manageError, Instant.now()));
        if (manageError != null) {
            throw new IllegalStateException(manageError);
        }
    }

    /**
     * Upstream's PodControllerRefManager.ClaimPods: the pods this ReplicaSet owns after adopting
     * matching orphans and releasing owned pods that no longer match. A failed adoption fails
     * the sync (retried): counting the pod as missing would create a replacement for a pod
     * that still runs.
     */
    private List<Pod> claimPods(ReplicaSet rs, List<Pod> pods) {
        String ns = rs.getMetadata().getNamespace();
        String name = rs.getMetadata().getName();
        return new ControllerRefManager<Pod>(client, rs, rs.getSpec().getSelector(),
                () -> kind.get(client, ns, name)).claim(pods);
    }

    /** Creates or deletes the difference between owned pods and spec.replicas; returns an error text or null. */
    private String manageReplicas(List<Pod> owned, ReplicaSet rs) {
        String key = Keys.of(rs);
        int replicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        int diff = owned.size() - replicas;
        if (diff < 0) {
            int toCreate = Math.min(-diff, BURST_REPLICAS);
            // expect before creating: the informer may report the new pods before create() returns
            expectations.expectCreations(key, toCreate);
            log.info("Too few replicas for ReplicaSet {}: need {}, creating {}", key, replicas, toCreate);
            SlowStart.Result result = SlowStart.batch(toCreate, SLOW_START_INITIAL_BATCH_SIZE, () -> createPod(rs), apiCalls);
            // pods we never created will never be observed
            for (int i = 0; i < toCreate - result.successes(); i++) {
                expectations.creationObserved(key);
            }
            return result.firstError() == null ? null : "FailedCreate: " + result.firstError();
        }
        if (diff > 0) {
            int toDelete = Math.min(diff, BURST_REPLICAS);
            List<Pod> victims = ActivePodsWithRanks.sortForDeletion(owned).subList(0, toDelete);
            Set<String> victimKeys = new LinkedHashSet<>();
            victims.forEach(p -> victimKeys.add(Keys.of(p)));
            expectations.expectDeletions(key, victimKeys);
            log.info("Too many replicas for ReplicaSet {}: need {}, deleting {}", key, replicas, toDelete);
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            List<Future<?>> calls = new ArrayList<>();
            for (Pod victim : victims) {
                calls.add(apiCalls.submit(() -> {
                    try {
                        deletePod(rs, victim);
                    } catch (RuntimeException e) {
                        expectations.deletionObserved(key, Keys.of(victim));
                        errors.add(PodControl.message(e));
                    }
                }));
            }
            awaitAll(calls);
            return errors.isEmpty() ? null : "FailedDelete: " + errors.peek();
        }
        return null;
    }

    private void createPod(ReplicaSet rs) {
        podControl.createPod(rs.getSpec().getTemplate(), rs);
    }

    private void deletePod(ReplicaSet rs, Pod pod) {
        podControl.deletePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), rs);
    }

    // ---- status ----

    /** Upstream's calculateStatus: counts over the owned active pods, plus the ReplicaFailure condition. */
    static ReplicaSetStatus calculateStatus(ReplicaSet rs, List<Pod> owned, String manageError, Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata() == null
                ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod pod : owned) {
            Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
            if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (PodUtil.isReady(pod)) {
                ready++;
                if (PodUtil.isAvailable(pod, minReady, now)) {
                    available++;
                }
            }
        }
        List<ReplicaSetCondition> conditions = new ArrayList<>();
        if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
            rs.getStatus().getConditions().forEach(c -> conditions.add(Serialization.clone(c)));
        }
        boolean hasFailure = conditions.stream().anyMatch(c -> "ReplicaFailure".equals(c.getType()));
        if (manageError != null && !hasFailure) {
            boolean creating = manageError.startsWith("FailedCreate");
            conditions.add(new ReplicaSetConditionBuilder()
                    .withType("ReplicaFailure")
                    .withStatus("True")
                    .withReason(creating ? "FailedCreate" : "FailedDelete")
                    .withMessage(manageError)
                    .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString())
                    .build());
        } else if (manageError == null && hasFailure) {
            conditions.removeIf(c -> "ReplicaFailure".equals(c.getType()));
        }
        return new ReplicaSetStatusBuilder()
                .withReplicas(owned.size())
                .withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(conditions)
                .build();
    }

    private void updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
        ReplicaSetStatus current = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        if (sameStatus(current, status)) {
            return;
        }
        // as upstream's updateReplicaSetStatus: on a conflict, fetch the latest and try once more
        ReplicaSet target = rs;
        for (int attempt = 0; ; attempt++) {
            target.setStatus(status);
            try {
                kind.updateStatus(client, target);
                break;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 1) {
                    throw e;
                }
                target = kind.get(client, rs.getMetadata().getNamespace(), rs.getMetadata().getName());
                if (target == null || !Objects.equals(target.getMetadata().getUid(), rs.getMetadata().getUid())) {
                    return; // deleted meanwhile
                }
                // observedGeneration is the generation of the spec this sync acted on
            }
        }
        // pods ready but not yet available: look again once minReadySeconds have passed
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        if (minReady > 0 && !Objects.equals(status.getReadyReplicas(), status.getAvailableReplicas())) {
            queue.addAfter(Keys.of(rs), Duration.ofSeconds(minReady));
        }
    }

    private static boolean sameStatus(ReplicaSetStatus a, ReplicaSetStatus b) {
        return intOf(a.getReplicas()) == intOf(b.getReplicas())
                && intOf(a.getFullyLabeledReplicas()) == intOf(b.getFullyLabeledReplicas())
                && intOf(a.getReadyReplicas()) == intOf(b.getReadyReplicas())
                && intOf(a.getAvailableReplicas()) == intOf(b.getAvailableReplicas())
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && conditionTypes(a).equals(conditionTypes(b));
    }

    private static Set<String> conditionTypes(ReplicaSetStatus s) {
        Set<String> types = new LinkedHashSet<>();
        if (s.getConditions() != null) {
            s.getConditions().forEach(c -> types.add(c.getType()));
        }
        return types;
    }

    private static int intOf(Integer i) {
        return i == null ? 0 : i;
    }

    private static void awaitAll(List<Future<?>> calls) {
        for (Future<?> f : calls) {
            try {
                f.get();
            } catch (Exception e) {
                // errors are collected by the task itself
            }
        }
    }

    @Override
    public void close() {
        super.close();
        apiCalls.shutdownNow();
        recorder.close();
    }

}
