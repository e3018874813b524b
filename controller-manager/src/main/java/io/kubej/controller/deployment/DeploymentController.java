package io.kubej.controller.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.ControllerRefManager;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rolls a Deployment's pod template out through ReplicaSets (upstream:
 * pkg/controller/deployment, the "Deployments" concept page).
 *
 * <p>A Deployment owns one ReplicaSet per pod template it has had, named
 * {@code <deployment>-<pod-template-hash>}. The one whose template is the current
 * {@code spec.template} is the <em>new</em> ReplicaSet; the others are old. One sync, for one
 * Deployment key:
 * <ol>
 *   <li>claim ReplicaSets: adopt orphans the selector matches, release owned ones it no longer
 *       matches (as the ReplicaSet controller does with pods);</li>
 *   <li>paused, or {@code spec.replicas} changed (a ReplicaSet's desired-replicas annotation
 *       disagrees): only resize, no rollout step ({@link #sync});</li>
 *   <li>otherwise one step of the strategy: {@link #rolloutRolling} (surge the new
 *       ReplicaSet, shrink old ones while enough pods stay available) or
 *       {@link #rolloutRecreate} (all old pods gone first, then the new ReplicaSet);</li>
 *   <li>once complete, delete old empty ReplicaSets beyond {@code revisionHistoryLimit};</li>
 *   <li>write status: counts, Available and Progressing ({@link DeploymentStatuses}).</li>
 * </ol>
 * Each step acts, then waits for the ReplicaSets' status to come back through the informer;
 * all writes carry the cached resourceVersion, so a step computed from a stale cache fails with
 * a conflict and is retried rather than applied twice.
 */
public final class DeploymentController extends KeyedController {
    public static final String NAME = "deployment-controller";
    private static final String KIND = "Deployment";
    /** Deployment annotations not copied to its ReplicaSets (upstream skips the same). */
    private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration",
            DeploymentSpecs.REVISION, DeploymentSpecs.REVISION_HISTORY, DeploymentSpecs.DESIRED_REPLICAS, DeploymentSpecs.MAX_REPLICAS);

    private final KubernetesClient client;
    private final Lister<Deployment> dLister;
    private final Lister<ReplicaSet> rsLister;
    private final Lister<Pod> podLister;
    private final EventRecorder recorder;

    public DeploymentController(KubernetesClient client, SharedIndexInformer<Deployment> dInformer,
            SharedIndexInformer<ReplicaSet> rsInformer, SharedIndexInformer<Pod> podInformer) {
        super(NAME, List.of(dInformer, rsInformer, podInformer));
        this.client = client;
        this.dLister = new Lister<>(dInformer.getIndexer());
        this.rsLister = new Lister<>(rsInformer.getIndexer());
        this.podLister = new Lister<>(podInformer.getIndexer());
        this.recorder = new EventRecorder(client, NAME);
        dInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                queue.add(Keys.of(d));
            }

            @Override
            public void onUpdate(Deployment oldD, Deployment newD) {
                queue.add(Keys.of(newD));
            }

            @Override
            public void onDelete(Deployment d, boolean finalStateUnknown) {
                queue.add(Keys.of(d));
            }
        });
        rsInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                enqueueOwnerOrMatching(rs);
            }

            @Override
            public void onUpdate(ReplicaSet oldRs, ReplicaSet newRs) {
                Deployment oldOwner = resolveControllerRef(oldRs);
                if (oldOwner != null) {
                    queue.add(Keys.of(oldOwner));
                }
                enqueueOwnerOrMatching(newRs);
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean finalStateUnknown) {
                Deployment owner = resolveControllerRef(rs);
                if (owner != null) {
                    queue.add(Keys.of(owner));
                }
            }
        });
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                // Recreate waits for the last old pod to go before it starts new ones
                Deployment d = deploymentOfPod(pod);
                if (d != null && DeploymentSpecs.isRecreate(d)) {
                    queue.add(Keys.of(d));
                }
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    // ---- event handlers: they only enqueue keys ----

    private void enqueueOwnerOrMatching(ReplicaSet rs) {
        Deployment owner = resolveControllerRef(rs);
        if (owner != null) {
            queue.add(Keys.of(owner));
        } else if (PodUtil.controllerRef(rs).isEmpty()) {
            // an orphan: any Deployment that selects it may adopt it
            dLister.namespace(rs.getMetadata().getNamespace()).list().stream()
                    .filter(d -> LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels()))
                    .forEach(d -> queue.add(Keys.of(d)));
        }
    }

    private Deployment resolveControllerRef(ReplicaSet rs) {
        OwnerReference ref = PodUtil.controllerRef(rs).orElse(null);
        if (ref == null || !KIND.equals(ref.getKind())) {
            return null;
        }
        Deployment d = dLister.namespace(rs.getMetadata().getNamespace()).get(ref.getName());
        return d != null && Objects.equals(d.getMetadata().getUid(), ref.getUid()) ? d : null;
    }

    private Deployment deploymentOfPod(Pod pod) {
        OwnerReference ref = PodUtil.controllerRef(pod).orElse(null);
        if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
            return null;
        }
        ReplicaSet rs = rsLister.namespace(pod.getMetadata().getNamespace()).get(ref.getName());
        return rs == null || !Objects.equals(rs.getMetadata().getUid(), ref.getUid()) ? null : resolveControllerRef(rs);
    }

    // ---- the sync ----

    @Override
    protected void syncHandler(String key) throws Exception {
        Deployment cached = dLister.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (cached == null) {
            log.debug("Deployment {} has been deleted", key);
            return;
        }
        Deployment d = Serialization.clone(cached); // never mutate the cache
        List<ReplicaSet> rsList = claimReplicaSets(d);

        if (d.getMetadata().getDeletionTimestamp() != null) {
            ReplicaSet newRs = findNewReplicaSet(d, rsList);
            syncStatus(d, rsList, newRs, false);
            return;
        }
        d = checkPausedConditions(d);
        if (DeploymentSpecs.paused(d) || isScalingEvent(d, rsList)) {
            sync(d, rsList);
            return;
        }
        if (DeploymentSpecs.isRecreate(d)) {
            rolloutRecreate(d, rsList);
        } else {
            rolloutRolling(d, rsList);
        }
    }

    /**
     * Upstream's ReplicaSetControllerRefManager.ClaimReplicaSets: the ReplicaSets this
     * Deployment owns after adopting matching orphans and releasing owned ones that no longer
     * match its selector. Matching is on the ReplicaSet's own labels.
     */
    private List<ReplicaSet> claimReplicaSets(Deployment d) {
        String ns = d.getMetadata().getNamespace();
        String name = d.getMetadata().getName();
        return new ControllerRefManager<ReplicaSet>(client, d, d.getSpec().getSelector(),
                () -> client.apps().deployments().inNamespace(ns).withName(name).get())
                .claim(rsLister.namespace(ns).list());
    }

    static OwnerReference controllerRef(Deployment d) {
        return ControllerRefManager.controllerRef(d);
    }

    /** The oldest owned ReplicaSet whose template is the Deployment's (upstream: FindNewReplicaSet). */
    static ReplicaSet findNewReplicaSet(Deployment d, List<ReplicaSet> rsList) {
        return rsList.stream().sorted(DeploymentSpecs.OLDEST_FIRST)
                .filter(rs -> PodTemplateHash.equalIgnoringHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst().orElse(null);
    }

    private static List<ReplicaSet> oldReplicaSets(List<ReplicaSet> rsList, ReplicaSet newRs) {
        List<ReplicaSet> olds = new ArrayList<>(rsList.stream()
                .filter(rs -> newRs == null || !Objects.equals(rs.getMetadata().getUid(), newRs.getMetadata().getUid())).toList());
        olds.sort(DeploymentSpecs.OLDEST_FIRST);
        return olds;
    }

    /** A change of spec.replicas, not of the template: some active ReplicaSet was sized for another count. */
    static boolean isScalingEvent(Deployment d, List<ReplicaSet> rsList) {
        for (ReplicaSet rs : rsList) {
            if (DeploymentSpecs.specReplicas(rs) == 0) {
                continue;
            }
            Integer desired = DeploymentSpecs.intAnnotation(rs, DeploymentSpecs.DESIRED_REPLICAS);
            if (desired != null && desired != DeploymentSpecs.replicas(d)) {
                return true;
            }
        }
        return false;
    }

    /** Paused or scaled: resize the ReplicaSets, clean up history when paused, write status. */
    private void sync(Deployment d, List<ReplicaSet> rsList) {
        NewAndOld rss = getAllReplicaSetsAndSyncRevision(d, rsList, false);
        d = rss.deployment;
        List<ReplicaSet> all = scale(d, rss.newRs, rss.olds);
        ReplicaSet newRs = rss.newRs == null ? null : all.stream()
                .filter(rs -> rs.getMetadata().getUid().equals(rss.newRs.getMetadata().getUid())).findFirst().orElse(rss.newRs);
        if (DeploymentSpecs.paused(d)) {
            cleanupDeployment(d, oldReplicaSets(all, newRs));
        }
        syncStatus(d, all, newRs, false);
    }

    /**
     * Sizes the ReplicaSets for spec.replicas. With one active ReplicaSet (or none) it simply
     * gets spec.replicas; when the new one is saturated the old ones go to 0; otherwise, for a
     * RollingUpdate, {@link RollingUpdate#proportionalSizes}. Returns every ReplicaSet as it is now.
     */
    private List<ReplicaSet> scale(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds) {
        List<ReplicaSet> ordered = new ArrayList<>(olds);
        if (newRs != null) {
            ordered.add(newRs); // newest last
        }
        Map<String, Integer> target = scaleTargets(d, newRs, olds);
        List<ReplicaSet> result = new ArrayList<>();
        for (ReplicaSet rs : ordered) {
            Integer size = target.get(rs.getMetadata().getName());
            result.add(size == null ? rs : scaleReplicaSet(d, rs, size));
        }
        return result;
    }

    /**
     * The sizes {@link #scale} gives, by name, for the ReplicaSets it resizes (upstream: the
     * controller's scale in sync.go). {@code olds} are ordered oldest first.
     */
    static Map<String, Integer> scaleTargets(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds) {
        List<ReplicaSet> ordered = new ArrayList<>(olds);
        if (newRs != null) {
            ordered.add(newRs);
        }
        List<ReplicaSet> active = ordered.stream().filter(rs -> DeploymentSpecs.specReplicas(rs) > 0).toList();
        Map<String, Integer> target = new HashMap<>();
        if (active.size() <= 1) {
            // the one active ReplicaSet, or with none the new one, else the newest, gets every replica
            ReplicaSet activeOrLatest = !active.isEmpty() ? active.get(0)
                    : newRs != null ? newRs : ordered.isEmpty() ? null : ordered.get(ordered.size() - 1);
            if (activeOrLatest != null) {
                target.put(activeOrLatest.getMetadata().getName(), DeploymentSpecs.replicas(d));
            }
        } else if (saturated(d, newRs)) {
            // the new ReplicaSet has everything (e.g. it adopted old ones): the old ones go
            olds.stream().filter(rs -> DeploymentSpecs.specReplicas(rs) > 0).forEach(rs -> target.put(rs.getMetadata().getName(), 0));
        } else if (DeploymentSpecs.isRollingUpdate(d)) {
            target.putAll(RollingUpdate.proportionalSizes(d, active));
        }
        // Recreate with old pods still going: the rollout itself sizes the new ReplicaSet once they are gone
        return target;
    }

    /**
     * The new ReplicaSet runs all the Deployment wants, sized for its current replicas, all of
     * them available (upstream: deploymentutil.IsSaturated).
     */
    static boolean saturated(Deployment d, ReplicaSet newRs) {
        if (newRs == null) {
            return false;
        }
        int replicas = DeploymentSpecs.replicas(d);
        Integer desired = DeploymentSpecs.intAnnotation(newRs, DeploymentSpecs.DESIRED_REPLICAS);
        return DeploymentSpecs.specReplicas(newRs) == replicas && desired != null && desired == replicas
                && DeploymentSpecs.availableReplicas(newRs) == replicas;
    }

    private record NewAndOld(Deployment deployment, ReplicaSet newRs, List<ReplicaSet> olds) {
    }

    /**
     * The new ReplicaSet (created when {@code create} and missing) and the old ones; brings the
     * new one's revision, annotations and minReadySeconds up to date, and the Deployment's own
     * revision annotation.
     */
    private NewAndOld getAllReplicaSetsAndSyncRevision(Deployment d, List<ReplicaSet> rsList, boolean create) {
        ReplicaSet existing = findNewReplicaSet(d, rsList);
        List<ReplicaSet> olds = oldReplicaSets(rsList, existing);
        long revision = Revisions.next(olds);
        if (existing != null) {
            ReplicaSet copy = Serialization.clone(existing);
            boolean changed = setNewReplicaSetAnnotations(d, copy, revision, false);
            if (!Objects.equals(copy.getSpec().getMinReadySeconds(), d.getSpec().getMinReadySeconds())) {
                copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                changed = true;
            }
            ReplicaSet newRs = changed ? client.apps().replicaSets().inNamespace(copy.getMetadata().getNamespace()).resource(copy).update() : existing;
            d = setDeploymentRevision(d, Revisions.of(newRs));
            DeploymentStatus status = statusWithConditions(d);
            if (DeploymentSpecs.progressDeadlineSeconds(d) != null && DeploymentStatuses.get(status, DeploymentStatuses.PROGRESSING) == null) {
                DeploymentStatuses.set(status, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                        DeploymentStatuses.FOUND_NEW_RS, "Found new replica set \"" + newRs.getMetadata().getName() + "\"", Instant.now()));
                d = updateStatus(d, status);
            }
            return new NewAndOld(d, newRs, olds);
        }
        if (!create) {
            return new NewAndOld(d, null, olds);
        }
        ReplicaSet created = createNewReplicaSet(d, olds, revision);
        if (created == null) {
            return new NewAndOld(d, null, olds); // a name collision: retried with a new hash
        }
        d = setDeploymentRevision(d, Revisions.of(created));
        DeploymentStatus status = statusWithConditions(d);
        if (DeploymentSpecs.progressDeadlineSeconds(d) != null) {
            // as upstream's SetDeploymentCondition: still True, the transition time stays
            DeploymentStatuses.set(status, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                    DeploymentStatuses.NEW_RS_CREATED, "Created new replica set \"" + created.getMetadata().getName() + "\"", Instant.now()));
            d = updateStatus(d, status);
        }
        return new NewAndOld(d, created, olds);
    }

    /**
     * The ReplicaSet for the current template: the template with the pod-template-hash label,
     * the selector narrowed by it, owned by the Deployment. Its first size is what the strategy
     * allows now (RollingUpdate: up to the surge; Recreate: all, since old pods are gone).
     */
    private ReplicaSet createNewReplicaSet(Deployment d, List<ReplicaSet> olds, long revision) {
        Integer collisionCount = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
        String hash = PodTemplateHash.of(d.getSpec().getTemplate(), collisionCount);
        PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
        Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels());
        labels.put(PodTemplateHash.LABEL, hash);
        template.getMetadata().setLabels(labels);
        LabelSelector selector = Serialization.clone(d.getSpec().getSelector());
        Map<String, String> match = new HashMap<>(selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
        match.put(PodTemplateHash.LABEL, hash);
        selector.setMatchLabels(match);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata()
                    .withName(d.getMetadata().getName() + "-" + hash)
                    .withNamespace(d.getMetadata().getNamespace())
                    .withLabels(new HashMap<>(labels))
                    .withOwnerReferences(controllerRef(d))
                .endMetadata()
                .withNewSpec()
                    .withReplicas(0)
                    .withMinReadySeconds(d.getSpec().getMinReadySeconds())
                    .withSelector(selector)
                    .withTemplate(template)
                .endSpec()
                .build();
        List<ReplicaSet> all = new ArrayList<>(olds);
        all.add(rs);
        int size = DeploymentSpecs.isRollingUpdate(d) ? RollingUpdate.newReplicaSetSize(d, all, 0) : DeploymentSpecs.replicas(d);
        rs.getSpec().setReplicas(size);
        setNewReplicaSetAnnotations(d, rs, revision, true);
        try {
            ReplicaSet created = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(rs).create();
            log.info("Deployment {} created replica set {} with {} replicas", Keys.of(d), created.getMetadata().getName(), size);
            if (size > 0) {
                recorder.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled up replica set " + created.getMetadata().getName() + " to " + size);
            }
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        // the name is taken: ours from a sync the cache has not shown yet, or a hash collision
        ReplicaSet taken = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).get();
        if (taken != null && PodUtil.controllerRef(taken).map(r -> Objects.equals(r.getUid(), d.getMetadata().getUid())).orElse(false)
                && PodTemplateHash.equalIgnoringHash(taken.getSpec().getTemplate(), d.getSpec().getTemplate())) {
            return taken;
        }
        DeploymentStatus status = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        status.setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
        updateStatus(d, status);
        throw new IllegalStateException("replica set " + rs.getMetadata().getName() + " exists with another template; collisionCount is now "
                + status.getCollisionCount());
    }

    /**
     * Copies the Deployment's annotations (change-cause and the like) to the new ReplicaSet
     * and raises its revision; a new ReplicaSet also gets its desired and max replicas. Returns
     * whether anything changed.
     */
    private boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long revision, boolean creating) {
        Map<String, String> annotations = rs.getMetadata().getAnnotations() == null
                ? new HashMap<>() : new HashMap<>(rs.getMetadata().getAnnotations());
        Map<String, String> before = Map.copyOf(annotations);
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!NOT_COPIED.contains(k)) {
                    annotations.put(k, v);
                }
            });
        }
        long old = Revisions.of(rs);
        if (old < revision) {
            if (old > 0) {
                String history = annotations.get(DeploymentSpecs.REVISION_HISTORY);
                annotations.put(DeploymentSpecs.REVISION_HISTORY, history == null || history.isEmpty() ? Long.toString(old) : history + "," + old);
            }
            annotations.put(DeploymentSpecs.REVISION, Long.toString(revision));
        }
        if (creating) {
            annotations.put(DeploymentSpecs.DESIRED_REPLICAS, Integer.toString(DeploymentSpecs.replicas(d)));
            annotations.put(DeploymentSpecs.MAX_REPLICAS, Integer.toString(maxReplicas(d)));
        }
        rs.getMetadata().setAnnotations(annotations);
        return !annotations.equals(before);
    }

    private static int maxReplicas(Deployment d) {
        return DeploymentSpecs.replicas(d) + RollingUpdate.maxSurge(d);
    }

    /** The Deployment carries its new ReplicaSet's revision, as upstream's SetDeploymentRevision. */
    private Deployment setDeploymentRevision(Deployment d, long revision) {
        String value = Long.toString(revision);
        Map<String, String> annotations = d.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(d.getMetadata().getAnnotations());
        if (value.equals(annotations.get(DeploymentSpecs.REVISION))) {
            return d;
        }
        annotations.put(DeploymentSpecs.REVISION, value);
        d.getMetadata().setAnnotations(annotations);
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).update();
    }

    /** Sets a ReplicaSet's size and its desired/max-replicas annotations; records ScalingReplicaSet. */
    private ReplicaSet scaleReplicaSet(Deployment d, ReplicaSet rs, int size) {
        int from = DeploymentSpecs.specReplicas(rs);
        String desired = Integer.toString(DeploymentSpecs.replicas(d));
        String max = Integer.toString(maxReplicas(d));
        Map<String, String> a = rs.getMetadata().getAnnotations() == null ? Map.of() : rs.getMetadata().getAnnotations();
        if (from == size && desired.equals(a.get(DeploymentSpecs.DESIRED_REPLICAS)) && max.equals(a.get(DeploymentSpecs.MAX_REPLICAS))) {
            return rs;
        }
        ReplicaSet copy = Serialization.clone(rs);
        Map<String, String> annotations = new HashMap<>(a);
        annotations.put(DeploymentSpecs.DESIRED_REPLICAS, desired);
        annotations.put(DeploymentSpecs.MAX_REPLICAS, max);
        copy.getMetadata().setAnnotations(annotations);
        copy.getSpec().setReplicas(size);
        ReplicaSet updated = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(copy).update();
        if (from != size) {
            String direction = size > from ? "up" : "down";
            log.info("Deployment {}: scaled {} replica set {} from {} to {}", Keys.of(d), direction, rs.getMetadata().getName(), from, size);
            recorder.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled " + direction + " replica set " + rs.getMetadata().getName() + " to " + size);
        }
        return updated;
    }

    // ---- the strategies ----

    /** One step of a RollingUpdate (upstream: rolloutRolling). */
    private void rolloutRolling(Deployment d, List<ReplicaSet> rsList) {
        NewAndOld rss = getAllReplicaSetsAndSyncRevision(d, rsList, true);
        d = rss.deployment;
        ReplicaSet newRs = rss.newRs;
        List<ReplicaSet> all = new ArrayList<>(rss.olds);
        if (newRs != null) {
            all.add(newRs);
        }
        int replicas = DeploymentSpecs.replicas(d);
        // scale up the new ReplicaSet as far as the surge allows
        if (newRs != null && DeploymentSpecs.specReplicas(newRs) != replicas) {
            int size = DeploymentSpecs.specReplicas(newRs) > replicas ? replicas
                    : RollingUpdate.newReplicaSetSize(d, all, DeploymentSpecs.specReplicas(newRs));
            if (size != DeploymentSpecs.specReplicas(newRs)) {
                scaleReplicaSet(d, newRs, size);
                syncStatus(d, all, newRs, true);
                return;
            }
        }
        // scale old ones down while enough pods stay available
        List<ReplicaSet> oldActive = rss.olds.stream().filter(rs -> DeploymentSpecs.specReplicas(rs) > 0).toList();
        Map<String, Integer> sizes = RollingUpdate.oldReplicaSetSizes(d, oldActive, newRs);
        if (!sizes.isEmpty()) {
            for (ReplicaSet rs : oldActive) {
                Integer size = sizes.get(rs.getMetadata().getName());
                if (size != null) {
                    scaleReplicaSet(d, rs, size);
                }
            }
            syncStatus(d, all, newRs, true);
            return;
        }
        if (DeploymentStatuses.complete(d, d.getStatus() == null ? new DeploymentStatus() : d.getStatus())) {
            cleanupDeployment(d, rss.olds);
        }
        syncStatus(d, all, newRs, true);
    }

    /**
     * One step of a Recreate rollout (upstream: rolloutRecreate): scale every old ReplicaSet to
     * 0; wait until none of their pods is left (not even terminating); then create or scale up
     * the new ReplicaSet.
     */
    private void rolloutRecreate(Deployment d, List<ReplicaSet> rsList) {
        NewAndOld rss = getAllReplicaSetsAndSyncRevision(d, rsList, false);
        d = rss.deployment;
        ReplicaSet newRs = rss.newRs;
        List<ReplicaSet> all = new ArrayList<>(rss.olds);
        if (newRs != null) {
            all.add(newRs);
        }
        boolean scaledDown = false;
        for (ReplicaSet rs : rss.olds) {
            if (DeploymentSpecs.specReplicas(rs) != 0) {
                scaleReplicaSet(d, rs, 0);
                scaledDown = true;
            }
        }
        if (scaledDown || oldPodsRunning(rss.olds)) {
            syncStatus(d, all, newRs, true);
            return;
        }
        if (newRs == null) {
            rss = getAllReplicaSetsAndSyncRevision(d, rsList, true);
            d = rss.deployment;
            newRs = rss.newRs;
            all = new ArrayList<>(rss.olds);
            if (newRs != null) {
                all.add(newRs);
            }
        }
        if (newRs != null && DeploymentSpecs.specReplicas(newRs) != DeploymentSpecs.replicas(d)) {
            scaleReplicaSet(d, newRs, DeploymentSpecs.replicas(d));
        }
        if (DeploymentStatuses.complete(d, d.getStatus() == null ? new DeploymentStatus() : d.getStatus())) {
            cleanupDeployment(d, rss.olds);
        }
        syncStatus(d, all, newRs, true);
    }

    /** Whether old ReplicaSets still report pods, or any of their pods exists that has not finished. */
    private boolean oldPodsRunning(List<ReplicaSet> olds) {
        if (olds.stream().anyMatch(rs -> DeploymentSpecs.statusReplicas(rs) > 0)) {
            return true;
        }
        for (ReplicaSet rs : olds) {
            for (Pod pod : podLister.namespace(rs.getMetadata().getNamespace()).list()) {
                boolean ours = PodUtil.controllerRef(pod).map(r -> Objects.equals(r.getUid(), rs.getMetadata().getUid())).orElse(false);
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if (ours && !"Failed".equals(phase) && !"Succeeded".equals(phase)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit. */
    private void cleanupDeployment(Deployment d, List<ReplicaSet> olds) {
        for (ReplicaSet rs : Revisions.toCleanUp(olds, DeploymentSpecs.revisionHistoryLimit(d))) {
            log.info("Deployment {}: deleting old replica set {} (revision {})", Keys.of(d), rs.getMetadata().getName(), Revisions.of(rs));
            try {
                client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    // ---- status ----

    /**
     * Paused conditions (upstream: checkPausedConditions): a paused Deployment is
     * Progressing=Unknown/DeploymentPaused, so its deadline does not run; resumed, it becomes
     * DeploymentResumed until the next step. A timed-out Deployment keeps its condition.
     */
    private Deployment checkPausedConditions(Deployment d) {
        DeploymentCondition c = DeploymentStatuses.pausedCondition(d, Instant.now());
        if (c == null) {
            return d;
        }
        DeploymentStatus status = statusWithConditions(d);
        DeploymentStatuses.set(status, c);
        return updateStatus(d, status);
    }

    /** Writes the computed status if it changed; {@code progress} also judges Progressing. */
    private void syncStatus(Deployment d, List<ReplicaSet> all, ReplicaSet newRs, boolean progress) {
        Instant now = Instant.now();
        DeploymentStatus status = progress
                ? DeploymentStatuses.withProgress(d, all, newRs, now)
                : DeploymentStatuses.calculate(d, all, newRs, now);
        if (!Serialization.asJson(status).equals(Serialization.asJson(d.getStatus() == null ? new DeploymentStatus() : d.getStatus()))) {
            d = updateStatus(d, status);
        }
        if (progress) {
            Duration after = DeploymentStatuses.recheckAfter(d, status, now);
            if (after != null) {
                queue.addAfter(Keys.of(d), after);
            }
        }
    }

    /** A copy of the Deployment's status with a (possibly empty) condition list to edit. */
    private static DeploymentStatus statusWithConditions(Deployment d) {
        DeploymentStatus status = d.getStatus() == null ? new DeploymentStatus() : Serialization.clone(d.getStatus());
        if (status.getConditions() == null) {
            status.setConditions(new ArrayList<>());
        }
        return status;
    }

    private Deployment updateStatus(Deployment d, DeploymentStatus status) {
        d.setStatus(status);
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
    }

    @Override
    public void close() {
        super.close();
        recorder.close();
    }
}
