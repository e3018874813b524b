package io.kubej.controller.disruption;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The disruption controller (upstream: pkg/controller/disruption, {@code disruption-controller}
 * service account): keeps every PodDisruptionBudget's status, the numbers the eviction API
 * decides by. Keys are PDB keys; a pod change enqueues the budgets selecting the pod. The
 * numbers are {@link PdbStatuses}'; this class reads the caches, finds the pods' controllers'
 * scales and writes the status (skipping writes that would change nothing).
 *
 * <p>When a status cannot be computed (a pod's controller has no scale), the budget "fails
 * safe": {@code disruptionsAllowed} 0 and DisruptionAllowed=False reason SyncFailed. An eviction
 * recorded in {@code disruptedPods} is looked at again once its two minutes are over.
 */
public final class DisruptionController extends KeyedController {
    public static final String NAME = "disruption-controller";

    private final KubernetesClient client;
    private final EventRecorder recorder;
    private final Lister<PodDisruptionBudget> pdbs;
    private final Lister<Pod> pods;
    private final Lister<ReplicaSet> replicaSets;
    private final Lister<Deployment> deployments;
    private final Lister<StatefulSet> statefulSets;
    private final Lister<ReplicationController> rcs;

    public DisruptionController(KubernetesClient client, SharedIndexInformer<PodDisruptionBudget> pdbInformer,
                                SharedIndexInformer<Pod> podInformer, SharedIndexInformer<ReplicaSet> rsInformer,
                                SharedIndexInformer<Deployment> deploymentInformer, SharedIndexInformer<StatefulSet> statefulSetInformer,
                                SharedIndexInformer<ReplicationController> rcInformer) {
        super(NAME, List.of(pdbInformer, podInformer, rsInformer, deploymentInformer, statefulSetInformer, rcInformer));
        this.client = client;
        this.recorder = new EventRecorder(client, "controllermanager");
        this.pdbs = new Lister<>(pdbInformer.getIndexer());
        this.pods = new Lister<>(podInformer.getIndexer());
        this.replicaSets = new Lister<>(rsInformer.getIndexer());
        this.deployments = new Lister<>(deploymentInformer.getIndexer());
        this.statefulSets = new Lister<>(statefulSetInformer.getIndexer());
        this.rcs = new Lister<>(rcInformer.getIndexer());
        pdbInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PodDisruptionBudget pdb) {
                queue.add(Keys.of(pdb));
            }

            @Override
            public void onUpdate(PodDisruptionBudget o, PodDisruptionBudget n) {
                queue.add(Keys.of(n));
            }

            @Override
            public void onDelete(PodDisruptionBudget pdb, boolean unknown) {
                // nothing to clean up
            }
        });
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueBudgetsOf(p);
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                if (!Objects.equals(o.getMetadata().getResourceVersion(), n.getMetadata().getResourceVersion())) {
                    enqueueBudgetsOf(o);
                    enqueueBudgetsOf(n);
                }
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                enqueueBudgetsOf(p);
            }
        });
        // a controller's new scale changes a percentage budget before any pod changes
        rsInformer.addEventHandler(scaleChanges());
        deploymentInformer.addEventHandler(scaleChanges());
        statefulSetInformer.addEventHandler(scaleChanges());
        rcInformer.addEventHandler(scaleChanges());
    }

    @Override
    public String name() {
        return NAME;
    }

    private void enqueueBudgetsOf(Pod pod) {
        for (PodDisruptionBudget pdb : pdbs.namespace(pod.getMetadata().getNamespace()).list()) {
            if (selects(pdb, pod)) {
                queue.add(Keys.of(pdb));
            }
        }
    }

    private <T extends HasMetadata> ResourceEventHandler<T> scaleChanges() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
            }

            @Override
            public void onUpdate(T o, T n) {
                if (!Objects.equals(o.getMetadata().getGeneration(), n.getMetadata().getGeneration())) {
                    pdbs.namespace(n.getMetadata().getNamespace()).list().forEach(p -> queue.add(Keys.of(p)));
                }
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
            }
        };
    }

    /** policy/v1: an empty selector selects every pod of the namespace, a missing one none. */
    static boolean selects(PodDisruptionBudget pdb, Pod pod) {
        return pdb.getSpec() != null && pdb.getSpec().getSelector() != null
                && LabelSelectors.matches(pdb.getSpec().getSelector(), pod.getMetadata().getLabels());
    }

    @Override
    protected void syncHandler(String key) {
        PodDisruptionBudget pdb = pdbs.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (pdb == null) {
            return;
        }
        List<Pod> selected = pods.namespace(pdb.getMetadata().getNamespace()).list().stream().filter(p -> selects(pdb, p)).toList();
        Instant now = Instant.now();
        PodDisruptionBudgetStatus status;
        try {
            PdbStatuses.Result result = PdbStatuses.compute(pdb, selected, this::scaleOf, now);
            if (!result.unmanagedPods().isEmpty()) {
                log.debug("found unmanaged pods associated with PDB {}: {}", key, result.unmanagedPods());
                recorder.event(pdb, EventRecorder.WARNING, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: "
                        + selectorText(pdb) + ") were found to be unmanaged. As a result, the status of the PDB cannot be calculated "
                        + "correctly, which may result in undefined behavior. To account for these pods please set "
                        + "\".spec.minAvailable\" field of the PDB to an integer value.");
            }
            for (var pod : result.notDeleted()) {
                recorder.event(pod, EventRecorder.WARNING, "NotDeleted", "Pod was expected by PDB " + key + " to be deleted but it wasn't");
            }
            status = result.status();
            if (result.recheckAt() != null) {
                queue.addAfter(key, Duration.between(now, result.recheckAt()).plusMillis(100));
            }
        } catch (PdbStatuses.SyncFailure e) {
            if (e.getMessage().startsWith("found no controllers")) {
                recorder.event(pdb, EventRecorder.WARNING, "NoControllers", e.getMessage());
            }
            recorder.event(pdb, EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + e.getMessage());
            status = PdbStatuses.failSafe(pdb, e.getMessage(), now);
        }
        if (!PdbStatuses.changes(pdb.getStatus(), status)) {
            return;
        }
        if (selected.isEmpty()) {
            recorder.event(pdb, EventRecorder.NORMAL, "NoPods", "No matching pods found");
        }
        PodDisruptionBudget next = Serialization.clone(pdb);
        next.setStatus(status);
        try {
            // the cached resourceVersion guards the write: an eviction that spent a disruption meanwhile wins, and we recompute
            client.policy().v1().podDisruptionBudget().inNamespace(next.getMetadata().getNamespace()).resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The budget's selector as kubectl writes selectors ({@code app=web,tier in (a,b)}). */
    private static String selectorText(PodDisruptionBudget pdb) {
        var selector = pdb.getSpec().getSelector();
        List<String> parts = new java.util.ArrayList<>();
        if (selector.getMatchLabels() != null) {
            selector.getMatchLabels().forEach((k, v) -> parts.add(k + "=" + v));
        }
        if (selector.getMatchExpressions() != null) {
            selector.getMatchExpressions().forEach(r -> parts.add(r.getKey() + " " + r.getOperator().toLowerCase()
                    + (r.getValues() == null || r.getValues().isEmpty() ? "" : " (" + String.join(",", r.getValues()) + ")")));
        }
        return String.join(",", parts);
    }

    /**
     * Upstream's finders: the pod's ReplicaSet (unless a Deployment controls it, whose scale
     * counts instead), ReplicationController or StatefulSet, matched by uid.
     */
    Optional<PdbStatuses.Scale> scaleOf(String namespace, OwnerReference ref) {
        String group = ref.getApiVersion() == null ? "" : ref.getApiVersion().contains("/") ? ref.getApiVersion().split("/")[0] : "";
        switch (ref.getKind()) {
            case "ReplicaSet" -> {
                ReplicaSet rs = replicaSets.namespace(namespace).get(ref.getName());
                if (rs == null || !rs.getMetadata().getUid().equals(ref.getUid()) || !(group.equals("apps") || group.equals("extensions"))) {
                    return Optional.empty();
                }
                Optional<OwnerReference> owner = PodUtil.controllerRef(rs);
                if (owner.isPresent() && owner.get().getKind().equals("Deployment")) {
                    Deployment d = deployments.namespace(namespace).get(owner.get().getName());
                    return d == null || !d.getMetadata().getUid().equals(owner.get().getUid()) ? Optional.empty()
                            : Optional.of(new PdbStatuses.Scale(d.getMetadata().getUid(), replicas(d.getSpec().getReplicas())));
                }
                return Optional.of(new PdbStatuses.Scale(rs.getMetadata().getUid(), replicas(rs.getSpec().getReplicas())));
            }
            case "ReplicationController" -> {
                ReplicationController rc = rcs.namespace(namespace).get(ref.getName());
                return rc == null || !rc.getMetadata().getUid().equals(ref.getUid()) ? Optional.empty()
                        : Optional.of(new PdbStatuses.Scale(rc.getMetadata().getUid(), replicas(rc.getSpec().getReplicas())));
            }
            case "StatefulSet" -> {
                StatefulSet ss = statefulSets.namespace(namespace).get(ref.getName());
                return ss == null || !ss.getMetadata().getUid().equals(ref.getUid()) ? Optional.empty()
                        : Optional.of(new PdbStatuses.Scale(ss.getMetadata().getUid(), replicas(ss.getSpec().getReplicas())));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static int replicas(Integer r) {
        return r == null ? 1 : r;
    }

    @Override
    public void close() {
        recorder.close();
        super.close();
    }
}
