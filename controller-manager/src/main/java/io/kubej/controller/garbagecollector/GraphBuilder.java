package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.client.workqueue.WorkQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Graph} in step with the cluster and tells the workers what to look at
 * (upstream: GraphBuilder in graph_builder.go).
 *
 * <p>One informer ("monitor") per deletable resource discovery lists feeds every add, update
 * and delete into one queue of {@link GraphEvent}s; a single thread applies them in order, so
 * the graph needs no locking between changes. Applying an event may put nodes on the
 * collector's two queues:
 * <ul>
 *   <li>attemptToDelete: a node whose owners may all be gone (its owner was deleted, or it
 *       names an owner the graph has never seen), or a node in the middle of foreground
 *       deletion whose dependents changed;</li>
 *   <li>attemptToOrphan: an owner that started deletion with the {@code orphan} finalizer.</li>
 * </ul>
 * Queues hold uids; a worker reads the node from the graph when it takes one.
 */
final class GraphBuilder {
    private static final Logger log = LoggerFactory.getLogger(GraphBuilder.class);

    /** Reports a dependent whose ownerReference names a namespaced owner that lives in another namespace. */
    interface InvalidOwnerReporter {
        void invalidNamespaceOwnerReference(Identity dependent, OwnerReference ownerReference);
    }

    private final Graph graph;
    private final WorkQueue attemptToDelete;
    private final WorkQueue attemptToOrphan;
    private final ReferenceCache absentOwnerCache;
    private final InvalidOwnerReporter reporter;
    private final BlockingQueue<GraphEvent> graphChanges = new LinkedBlockingQueue<>();
    private final Map<ResourceMapping, SharedIndexInformer<GenericKubernetesResource>> monitors = new HashMap<>();
    private volatile Thread processor;

    GraphBuilder(Graph graph, WorkQueue attemptToDelete, WorkQueue attemptToOrphan, ReferenceCache absentOwnerCache,
                 InvalidOwnerReporter reporter) {
        this.graph = graph;
        this.attemptToDelete = attemptToDelete;
        this.attemptToOrphan = attemptToOrphan;
        this.absentOwnerCache = absentOwnerCache;
        this.reporter = reporter;
    }

    // ---- monitors: one informer per deletable resource ----

    /**
     * Makes the monitors match {@code resources} (upstream: syncMonitors + startMonitors):
     * starts an informer for each new resource and stops those no longer served. The
     * informers list with {@code client}; their events go to the graph.
     */
    synchronized void syncMonitors(KubernetesClient client, Collection<ResourceMapping> resources) {
        Set<ResourceMapping> wanted = new HashSet<>(resources);
        for (var it = monitors.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                log.info("garbage collector stops monitoring {}", e.getKey());
                e.getValue().stop();
                it.remove();
            }
        }
        int added = 0;
        for (ResourceMapping r : wanted) {
            if (monitors.containsKey(r)) {
                continue;
            }
            SharedIndexInformer<GenericKubernetesResource> informer =
                    client.genericKubernetesResources(r.context()).inAnyNamespace().runnableInformer(0);
            informer.itemStore(new MetadataOnlyStore());
            informer.addEventHandler(handlerFor(r));
            informer.start();
            monitors.put(r, informer);
            added++;
        }
        if (added > 0) {
            log.info("garbage collector monitors {} resources ({} new)", monitors.size(), added);
        }
    }

    private ResourceEventHandler<GenericKubernetesResource> handlerFor(ResourceMapping r) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                graphChanges.add(GraphEvent.add(ObjectMetadata.of(obj, r.apiVersion(), r.kind())));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                graphChanges.add(GraphEvent.update(ObjectMetadata.of(old, r.apiVersion(), r.kind()),
                        ObjectMetadata.of(obj, r.apiVersion(), r.kind())));
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
                graphChanges.add(GraphEvent.delete(ObjectMetadata.of(obj, r.apiVersion(), r.kind())));
            }
        };
    }

    /** Whether there are monitors and every one has listed (upstream: IsSynced). */
    synchronized boolean isSynced() {
        return !monitors.isEmpty() && monitors.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    synchronized void stopMonitors() {
        monitors.values().forEach(SharedIndexInformer::stop);
        monitors.clear();
    }

    // ---- the single thread that applies graph changes ----

    void start() {
        processor = Thread.ofPlatform().daemon().name("gc-graph-builder").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    GraphEvent e = graphChanges.poll(1, TimeUnit.SECONDS);
                    if (e != null) {
                        processGraphChange(e);
                    }
                } catch (InterruptedException ie) {
                    return;
                } catch (RuntimeException ex) {
                    log.warn("garbage collector: could not apply a graph change", ex);
                }
            }
        });
    }

    void stop() {
        Thread t = processor;
        if (t != null) {
            t.interrupt();
        }
        stopMonitors();
    }

    /** Upstream's enqueueVirtualDeleteEvent: the API server says {@code id} does not exist. */
    void enqueueVirtualDeleteEvent(Identity id) {
        graphChanges.add(GraphEvent.virtualDelete(id));
    }

    /** Applies one change to the graph (upstream: processGraphChanges). Package-visible for tests. */
    void processGraphChange(GraphEvent event) {
        ObjectMetadata obj = event.object();
        Node existing = graph.read(obj.uid());
        if (existing != null && !event.virtual() && !existing.isObserved()) {
            observeVirtualNode(existing, obj.identity());
        }
        switch (event.type()) {
            case ADD, UPDATE -> {
                if (existing == null) {
                    Node n = Node.observed(obj);
                    insertNode(n);
                    // an informer may fold a create and a deletion into one event
                    processTransitions(event.old(), obj, n);
                } else {
                    updateNode(existing, event, obj);
                }
            }
            case DELETE -> {
                if (existing != null) {
                    processDelete(existing, event);
                }
            }
        }
    }

    /**
     * An informer now shows an object the graph only had as a virtual owner. If dependents named it
     * with other coordinates, they are looked at again; one naming a namespaced owner that lives
     * in another namespace is wrong for sure and gets an OwnerRefInvalidNamespace event.
     */
    private void observeVirtualNode(Node existing, Identity observed) {
        if (!observed.equals(existing.identity())) {
            for (Node dep : partitionDependents(existing.dependents(), observed).nonMatching()) {
                if (observed.namespaced() && !dep.identity().namespace().equals(observed.namespace())) {
                    log.info("{} names owner {} but they are in different namespaces", dep.identity(), observed);
                    reportInvalidNamespaceOwnerRef(dep, observed.uid());
                }
                attemptToDelete.add(dep.uid());
            }
            log.debug("replacing virtual item {} with observed item {}", existing.identity(), observed);
            existing.setIdentity(observed);
        }
        existing.markObserved();
    }

    private void updateNode(Node existing, GraphEvent event, ObjectMetadata obj) {
        Identity id = existing.identity();
        if (!event.virtual() && (!Objects.equals(id.apiVersion(), obj.identity().apiVersion())
                || !Objects.equals(id.kind(), obj.identity().kind()))) {
            existing.setIdentity(new Identity(obj.identity().apiVersion(), obj.identity().kind(), id.namespace(), id.name(), id.uid()));
        }
        RefDiff diff = RefDiff.between(existing.owners(), obj.ownerReferences());
        if (!diff.isEmpty()) {
            // a blocking reference gone or unblocked may let a foreground-deleting owner finish
            addUnblockedOwnersToDeleteQueue(diff);
            existing.setOwners(obj.ownerReferences());
            addDependentToOwners(existing, diff.added());
            removeDependentFromOwners(existing, diff.removed());
        }
        if (obj.beingDeleted()) {
            existing.markBeingDeleted();
        }
        processTransitions(event.old(), obj, existing);
    }

    private void processDelete(Node existing, GraphEvent event) {
        Identity deleted = event.object().identity();
        boolean remove = true;
        if (event.virtual()) {
            // the API server says `deleted` does not exist; dependents may know the uid by other coordinates
            var parts = partitionDependents(existing.dependents(), deleted);
            if (!existing.isObserved()) {
                if (!parts.nonMatching().isEmpty()) {
                    remove = false;
                    if (!parts.matching().isEmpty()) {
                        absentOwnerCache.add(deleted);
                        parts.matching().forEach(d -> attemptToDelete.add(d.uid()));
                    }
                    if (existing.identity().equals(deleted)) {
                        Identity alternate = alternateOwnerIdentity(parts.nonMatching(), deleted);
                        if (alternate != null) {
                            existing.setIdentity(alternate);
                            attemptToDelete.addRateLimited(existing.uid());
                        }
                    }
                }
            } else if (!existing.identity().equals(deleted)) {
                // never drop an observed node on a virtual delete of other coordinates
                remove = false;
                if (!parts.matching().isEmpty()) {
                    absentOwnerCache.add(deleted);
                    parts.matching().forEach(d -> attemptToDelete.add(d.uid()));
                }
            }
        }
        if (!remove) {
            return;
        }
        graph.delete(existing.uid());
        removeDependentFromOwners(existing, existing.owners());
        List<Node> dependents = existing.dependents();
        if (!dependents.isEmpty()) {
            absentOwnerCache.add(deleted);
        }
        // its dependents may have lost their last owner
        dependents.forEach(d -> attemptToDelete.add(d.uid()));
        // an owner in foreground deletion may have been waiting for this one
        for (OwnerReference ref : existing.owners()) {
            Node owner = graph.read(ref.getUid());
            if (owner != null && owner.isDeletingDependents()) {
                attemptToDelete.add(owner.uid());
            }
        }
    }

    private void insertNode(Node n) {
        graph.write(n);
        addDependentToOwners(n, n.owners());
    }

    /**
     * Adds {@code n} to each owner's dependents, making a virtual node (and asking a worker to
     * verify it) for an owner the graph does not have. A reference that disagrees with an owner
     * already seen (another namespace, other coordinates) sends {@code n} to attemptToDelete,
     * where its owners are checked against the API server.
     */
    private void addDependentToOwners(Node n, List<OwnerReference> owners) {
        boolean potentiallyInvalid = false;
        for (OwnerReference ref : owners) {
            Node owner = graph.read(ref.getUid());
            if (owner == null) {
                owner = Node.virtual(Identity.ofOwner(ref, n.identity().namespace()));
                graph.write(owner);
                owner.addDependent(n);
                attemptToDelete.add(owner.uid());
                continue;
            }
            owner.addDependent(n);
            if (potentiallyInvalid) {
                continue;
            }
            Identity oid = owner.identity();
            if (oid.namespaced() && !oid.namespace().equals(n.identity().namespace())) {
                if (owner.isObserved()) {
                    // cluster-scoped owners may be named from anywhere; namespaced ones only from their namespace
                    log.info("{} names owner {} but they are in different namespaces", n.identity(), oid);
                    reportInvalidNamespaceOwnerRef(n, ref.getUid());
                }
                potentiallyInvalid = true;
            } else if (!oid.matchesCoordinates(ref)) {
                potentiallyInvalid = true;
            } else if (!oid.namespaced() && !oid.namespace().equals(n.identity().namespace()) && !owner.isObserved()) {
                potentiallyInvalid = true;
            }
        }
        if (potentiallyInvalid) {
            attemptToDelete.add(n.uid());
        }
    }

    private void removeDependentFromOwners(Node n, List<OwnerReference> owners) {
        for (OwnerReference ref : owners) {
            Node owner = graph.read(ref.getUid());
            if (owner != null) {
                owner.deleteDependent(n);
            }
        }
    }

    private void reportInvalidNamespaceOwnerRef(Node dependent, String ownerUid) {
        dependent.owners().stream().filter(r -> Objects.equals(r.getUid(), ownerUid)).findFirst()
                .ifPresent(ref -> reporter.invalidNamespaceOwnerReference(dependent.identity(), ref));
    }

    private void addUnblockedOwnersToDeleteQueue(RefDiff diff) {
        for (OwnerReference ref : diff.removed()) {
            if (Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
                enqueueIfPresent(ref.getUid());
            }
        }
        for (RefDiff.Changed c : diff.changed()) {
            if (Boolean.TRUE.equals(c.before().getBlockOwnerDeletion()) && !Boolean.TRUE.equals(c.after().getBlockOwnerDeletion())) {
                enqueueIfPresent(c.after().getUid());
            }
        }
    }

    private void enqueueIfPresent(String uid) {
        Node n = graph.read(uid);
        if (n != null) {
            attemptToDelete.add(n.uid());
        }
    }

    /**
     * Deletion starting with the orphan finalizer sends the owner to attemptToOrphan; with the
     * foregroundDeletion finalizer, the owner and all its dependents to attemptToDelete.
     */
    private void processTransitions(ObjectMetadata old, ObjectMetadata now, Node n) {
        if (now.waitingForDependentsOrphaned() && (old == null || !old.waitingForDependentsOrphaned())) {
            log.debug("{} is deleted with the orphan finalizer", n.identity());
            attemptToOrphan.add(n.uid());
            return;
        }
        if (now.waitingForDependentsDeleted() && (old == null || !old.waitingForDependentsDeleted())) {
            log.debug("{} waits for its dependents to be deleted", n.identity());
            n.markDeletingDependents();
            n.dependents().forEach(d -> attemptToDelete.add(d.uid()));
            attemptToDelete.add(n.uid());
        }
    }

    record Partition(List<Node> matching, List<Node> nonMatching) {
    }

    /**
     * Splits dependents into those whose ownerReference to {@code owner}'s uid matches its
     * coordinates (and namespace, for a namespaced owner) and those that do not (upstream:
     * partitionDependents). One dependent may be in both.
     */
    static Partition partitionDependents(List<Node> dependents, Identity owner) {
        List<Node> matching = new ArrayList<>();
        List<Node> nonMatching = new ArrayList<>();
        for (Node dep : dependents) {
            boolean match = false;
            boolean mismatch = false;
            if (owner.namespaced() && !owner.namespace().equals(dep.identity().namespace())) {
                mismatch = true;
            } else {
                for (OwnerReference ref : dep.owners()) {
                    if (Objects.equals(ref.getUid(), owner.uid())) {
                        if (owner.matchesCoordinates(ref)) {
                            match = true;
                        } else {
                            mismatch = true;
                        }
                    }
                }
            }
            if (match) {
                matching.add(dep);
            }
            if (mismatch) {
                nonMatching.add(dep);
            }
        }
        return new Partition(matching, nonMatching);
    }

    private static final Comparator<Identity> ORDER = Comparator.comparing(Identity::kind).thenComparing(Identity::apiVersion)
            .thenComparing(Identity::namespace).thenComparing(Identity::name).thenComparing(Identity::uid);

    /**
     * Another identity the dependents give the uid of an owner just verified absent (upstream:
     * getAlternateOwnerIdentity): the first, in a stable order, after the absent one, else the
     * first of all; null if there is none.
     */
    static Identity alternateOwnerIdentity(List<Node> dependents, Identity absent) {
        Set<Identity> seen = new HashSet<>(Set.of(absent));
        Identity first = null;
        Identity firstFollowing = null;
        for (Node dep : dependents) {
            for (OwnerReference ref : dep.owners()) {
                if (!Objects.equals(ref.getUid(), absent.uid())) {
                    continue;
                }
                if (absent.matchesCoordinates(ref) && (!absent.namespaced() || absent.namespace().equals(dep.identity().namespace()))) {
                    continue;
                }
                Identity alt = Identity.ofOwner(ref, dep.identity().namespace());
                if (!absent.namespaced() && alt.apiVersion().equals(absent.apiVersion()) && alt.kind().equals(absent.kind())) {
                    alt = alt.inNamespace(""); // this kind is known to be cluster-scoped
                }
                if (!seen.add(alt)) {
                    continue;
                }
                if (first == null || ORDER.compare(alt, first) < 0) {
                    first = alt;
                }
                if (ORDER.compare(absent, alt) < 0 && (firstFollowing == null || ORDER.compare(alt, firstFollowing) < 0)) {
                    firstFollowing = alt;
                }
            }
        }
        return firstFollowing != null ? firstFollowing : first;
    }
}
