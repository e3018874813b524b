package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes objects whose owners are all gone (upstream: pkg/controller/garbagecollector).
 *
 * <p>This is what makes {@code kubectl delete replicaset X} remove its pods: with the default
 * propagationPolicy Background the API server deletes the ReplicaSet at once, and it is this
 * controller that then notices pods whose ownerReferences point at a UID that no longer exists
 * and deletes them (again with Background propagation, so their own dependents follow).
 *
 * <p>Upstream's model, for readers: the GarbageCollector keeps a graph of every object of every
 * deletable resource (built from metadata-only informers discovered from the API), with an edge
 * from each owner to its dependents. Its "attemptToDelete" queue handles dependents of vanished
 * owners and the Foreground case (owner with the foregroundDeletion finalizer waits for
 * dependents with blockOwnerDeletion); its "attemptToOrphan" queue strips ownerReferences when
 * an owner is deleted with propagationPolicy Orphan.
 *
 * <p>kubej's thin version: dependents are pods and ReplicaSets (from the shared informers);
 * an owner is looked up by name and checked by UID, in the caches when it is a Pod or a
 * ReplicaSet. Before deleting, the absence is confirmed with a live GET (the cache may lag);
 * if that GET fails, the key is retried, never taken as "owner gone". A dependent with some
 * owners alive and some gone is left alone. Foreground and Orphan propagation are handled for
 * ReplicaSet owners only, and for their pods ({@link #syncDeletingOwner}).
 */
public final class GarbageCollector extends KeyedController {
    public static final String NAME = "garbage-collector-controller";
    private static final String OWNER_UID_INDEX = "byOwnerUid";
    static final String ORPHAN_FINALIZER = "orphan";
    static final String FOREGROUND_FINALIZER = "foregroundDeletion";
    private static final String OWNER_PREFIX = "owner|";

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> podInformer;
    private final SharedIndexInformer<ReplicaSet> rsInformer;
    private final Lister<ReplicaSet> rsLister;
    private final Lister<Pod> podLister;

    public GarbageCollector(KubernetesClient client, SharedIndexInformer<Pod> podInformer,
            SharedIndexInformer<ReplicaSet> rsInformer) {
        this(client, podInformer, rsInformer, List.of());
    }

    /**
     * @param otherOwners informers of further owner kinds (Deployments): when one of them goes, its
     *                    dependents are looked at at once instead of at their next change
     */
    public GarbageCollector(KubernetesClient client, SharedIndexInformer<Pod> podInformer,
            SharedIndexInformer<ReplicaSet> rsInformer, List<SharedIndexInformer<? extends HasMetadata>> otherOwners) {
        super(NAME, concat(List.of(podInformer, rsInformer), otherOwners));
        this.client = client;
        this.podInformer = podInformer;
        this.rsInformer = rsInformer;
        this.rsLister = new Lister<>(rsInformer.getIndexer());
        this.podLister = new Lister<>(podInformer.getIndexer());
        // the graph's owner -> dependents edges, as an index on the dependents' caches
        podInformer.addIndexers(Map.of(OWNER_UID_INDEX, GarbageCollector::ownerUids));
        rsInformer.addIndexers(Map.of(OWNER_UID_INDEX, GarbageCollector::ownerUids));
        podInformer.addEventHandler(dependentHandler("Pod"));
        rsInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                enqueueIfOwned("ReplicaSet", rs);
                enqueueIfDeletingOwner(rs);
            }

            @Override
            public void onUpdate(ReplicaSet o, ReplicaSet n) {
                enqueueIfOwned("ReplicaSet", n);
                enqueueIfDeletingOwner(n);
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean unknown) {
                enqueueDependentsOf(rs.getMetadata().getUid());
                enqueueDeletingOwnersOf(rs);
            }
        });
        otherOwners.forEach(this::watchOwner);
    }

    private static List<SharedIndexInformer<?>> concat(List<SharedIndexInformer<?>> a, List<SharedIndexInformer<? extends HasMetadata>> b) {
        List<SharedIndexInformer<?>> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** An owner kind's deletions enqueue its dependents (the owner -> dependents edge of upstream's graph). */
    private <T extends HasMetadata> void watchOwner(SharedIndexInformer<T> owners) {
        owners.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
            }

            @Override
            public void onUpdate(T o, T n) {
            }

            @Override
            public void onDelete(T owner, boolean unknown) {
                enqueueDependentsOf(owner.getMetadata().getUid());
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    private ResourceEventHandler<Pod> dependentHandler(String kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueIfOwned(kind, p);
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                enqueueIfOwned(kind, n);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                enqueueDependentsOf(p.getMetadata().getUid());
                // a foreground-deleting owner may have been waiting for this one
                enqueueDeletingOwnersOf(p);
            }
        };
    }

    private static List<String> ownerUids(HasMetadata obj) {
        var refs = obj.getMetadata().getOwnerReferences();
        return refs == null ? List.of() : refs.stream().map(OwnerReference::getUid).filter(Objects::nonNull).toList();
    }

    private void enqueueIfOwned(String kind, HasMetadata obj) {
        var refs = obj.getMetadata().getOwnerReferences();
        if (refs != null && !refs.isEmpty() && obj.getMetadata().getDeletionTimestamp() == null) {
            queue.add(kind + "|" + Keys.of(obj));
        }
    }

    /** An owner being deleted with the orphan or foregroundDeletion finalizer needs us. */
    private void enqueueIfDeletingOwner(ReplicaSet rs) {
        if (rs.getMetadata().getDeletionTimestamp() != null
                && (hasFinalizer(rs, ORPHAN_FINALIZER) || hasFinalizer(rs, FOREGROUND_FINALIZER))) {
            queue.add(OWNER_PREFIX + "ReplicaSet|" + Keys.of(rs));
        }
    }

    private void enqueueDeletingOwnersOf(HasMetadata dependent) {
        var refs = dependent.getMetadata().getOwnerReferences();
        if (refs == null) {
            return;
        }
        for (OwnerReference ref : refs) {
            if ("ReplicaSet".equals(ref.getKind())) {
                ReplicaSet owner = rsLister.namespace(dependent.getMetadata().getNamespace()).get(ref.getName());
                if (owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
                    enqueueIfDeletingOwner(owner);
                }
            }
        }
    }

    private static boolean hasFinalizer(HasMetadata obj, String finalizer) {
        return obj.getMetadata().getFinalizers() != null && obj.getMetadata().getFinalizers().contains(finalizer);
    }

    private void enqueueDependentsOf(String ownerUid) {
        podInformer.getIndexer().byIndex(OWNER_UID_INDEX, ownerUid).forEach(p -> queue.add("Pod|" + Keys.of(p)));
        rsInformer.getIndexer().byIndex(OWNER_UID_INDEX, ownerUid).forEach(r -> queue.add("ReplicaSet|" + Keys.of(r)));
    }

    /**
     * Keys: {@code <kind>|<namespace>/<name>} of a dependent ("attempt to delete"), or
     * {@code owner|<kind>|<namespace>/<name>} of an owner being deleted with a finalizer.
     */
    @Override
    protected void syncHandler(String key) {
        if (key.startsWith(OWNER_PREFIX)) {
            syncDeletingOwner(key.substring(OWNER_PREFIX.length()));
            return;
        }
        String kind = key.substring(0, key.indexOf('|'));
        String objKey = key.substring(key.indexOf('|') + 1);
        HasMetadata dependent = "Pod".equals(kind)
                ? podLister.namespace(Keys.namespace(objKey)).get(Keys.name(objKey))
                : rsLister.namespace(Keys.namespace(objKey)).get(Keys.name(objKey));
        if (dependent == null || dependent.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        List<OwnerReference> owners = dependent.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
            return;
        }
        String namespace = dependent.getMetadata().getNamespace();
        // step 1: all owners absent according to the cache (cheap)?
        if (owners.stream().anyMatch(ref -> ownerInCache(namespace, ref))) {
            return;
        }
        // step 2: confirm with the API server: the cache may not have seen a new owner yet
        if (owners.stream().anyMatch(ref -> ownerExistsLive(namespace, ref))) {
            return;
        }
        log.info("Deleting {} {}: all its owners are gone", kind, objKey);
        try {
            var resource = "Pod".equals(kind)
                    ? client.pods().inNamespace(namespace).withName(dependent.getMetadata().getName())
                    : client.apps().replicaSets().inNamespace(namespace).withName(dependent.getMetadata().getName());
            resource.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Orphan or foreground deletion of a ReplicaSet (the only owner kind with finalizers handled). */
    private void syncDeletingOwner(String kindAndKey) {
        String objKey = kindAndKey.substring(kindAndKey.indexOf('|') + 1);
        String namespace = Keys.namespace(objKey);
        String name = Keys.name(objKey);
        ReplicaSet owner = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
        if (owner == null || owner.getMetadata().getDeletionTimestamp() == null) {
            return;
        }
        String uid = owner.getMetadata().getUid();
        if (hasFinalizer(owner, ORPHAN_FINALIZER)) {
            for (Pod dependent : liveDependentPods(namespace, uid)) {
                log.info("Orphaning pod {}/{} of ReplicaSet {}", namespace, dependent.getMetadata().getName(), name);
                dependent.getMetadata().getOwnerReferences().removeIf(r -> uid.equals(r.getUid()));
                client.pods().inNamespace(namespace).resource(dependent).update(); // 409: retried with backoff
            }
            removeFinalizer(owner, ORPHAN_FINALIZER);
            return;
        }
        if (hasFinalizer(owner, FOREGROUND_FINALIZER)) {
            List<Pod> remaining = liveDependentPods(namespace, uid);
            for (Pod dependent : remaining) {
                if (dependent.getMetadata().getDeletionTimestamp() == null) {
                    deleteIgnoringNotFound(namespace, dependent.getMetadata().getName());
                }
            }
            if (remaining.isEmpty()) {
                removeFinalizer(owner, FOREGROUND_FINALIZER);
            }
            // else: each dependent's deletion event enqueues the owner again
        }
    }

    /** Read live, not from the cache: removing a finalizer too early cannot be undone. */
    private List<Pod> liveDependentPods(String namespace, String ownerUid) {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream().anyMatch(r -> ownerUid.equals(r.getUid())))
                .toList();
    }

    private void removeFinalizer(ReplicaSet owner, String finalizer) {
        List<String> finalizers = new java.util.ArrayList<>(owner.getMetadata().getFinalizers());
        finalizers.remove(finalizer);
        owner.getMetadata().setFinalizers(finalizers);
        client.apps().replicaSets().inNamespace(owner.getMetadata().getNamespace()).resource(owner).update();
        log.info("Removed finalizer {} from ReplicaSet {}", finalizer, Keys.of(owner));
    }

    private void deleteIgnoringNotFound(String namespace, String podName) {
        try {
            client.pods().inNamespace(namespace).withName(podName).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /**
     * Owner present in our caches with the same UID. Only ReplicaSets and Pods are cached; for
     * any other kind this says false and step 2 asks the API server.
     */
    private boolean ownerInCache(String namespace, OwnerReference ref) {
        HasMetadata owner = switch (ref.getKind()) {
            case "ReplicaSet" -> rsLister.namespace(namespace).get(ref.getName());
            case "Pod" -> podLister.namespace(namespace).get(ref.getName());
            default -> null;
        };
        return owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid());
    }

    /**
     * The owner exists with the same UID, per the API server. Any failure but 404 (API error,
     * unknown kind) is thrown: the key is retried with backoff, and the dependent is kept
     * meanwhile, since deleting it wrongly could not be undone.
     */
    private boolean ownerExistsLive(String namespace, OwnerReference ref) {
        try {
            HasMetadata owner = switch (ref.getKind()) {
                case "ReplicaSet" -> client.apps().replicaSets().inNamespace(namespace).withName(ref.getName()).get();
                case "Pod" -> client.pods().inNamespace(namespace).withName(ref.getName()).get();
                default -> genericGet(namespace, ref);
            };
            return owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private GenericKubernetesResource genericGet(String namespace, OwnerReference ref) {
        return client.genericKubernetesResources(ref.getApiVersion(), ref.getKind())
                .inNamespace(namespace).withName(ref.getName()).get();
    }
}
