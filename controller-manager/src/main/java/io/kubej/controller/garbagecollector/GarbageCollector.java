package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubej.client.record.EventRecorder;
import io.kubej.client.workqueue.WorkQueue;
import io.kubej.controller.Controller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects whose owners are gone, and carries out foreground and orphan deletion
 * (upstream: pkg/controller/garbagecollector, garbagecollector.go).
 *
 * <p>The {@link GraphBuilder} watches every resource discovery lists as deletable (re-read
 * every {@code resyncPeriod}, so a CRD defined later is followed too) and keeps a {@link Graph}
 * of ownerReferences. Its changes feed two queues, each with its workers here:
 * <ul>
 *   <li><b>attemptToDelete</b> ({@link #attemptToDeleteItem}): read the object live; if it is
 *       in foreground deletion, remove its {@code foregroundDeletion} finalizer once no
 *       dependent with {@code blockOwnerDeletion} is left; otherwise classify its owners by
 *       asking the API server: if one is alive, only drop the references to gone owners (and to
 *       owners waiting in foreground deletion); if all are gone, delete it (with the
 *       propagation its own finalizers ask for); if an owner waits for it in foreground
 *       deletion, delete it in the foreground too. A 404 for a node the graph only assumed
 *       becomes a virtual delete event for the graph.</li>
 *   <li><b>attemptToOrphan</b> ({@link #attemptToOrphanItem}): an owner deleted with
 *       propagationPolicy Orphan: remove its ownerReference from every dependent, then its
 *       {@code orphan} finalizer.</li>
 * </ul>
 * Background deletion needs nothing special: the API server deletes the owner at once, and its
 * dependents come through attemptToDelete with their owner gone.
 */
public final class GarbageCollector implements Controller {
    public static final String NAME = "garbage-collector-controller";
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    /** Upstream's absentOwnerCache size. */
    private static final int ABSENT_OWNER_CACHE_SIZE = 500;

    private final Graph graph = new Graph();
    private final WorkQueue attemptToDelete = new WorkQueue("garbage_collector_attempt_to_delete");
    private final WorkQueue attemptToOrphan = new WorkQueue("garbage_collector_attempt_to_orphan");
    private final ReferenceCache absentOwnerCache = new ReferenceCache(ABSENT_OWNER_CACHE_SIZE);
    private final GraphBuilder graphBuilder;
    private final MetadataClient api;
    private final KubernetesClient informerClient;
    private final RestMapper mapper;
    private final EventRecorder recorder;
    private final Duration resyncPeriod;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param client         the collector's own client (service account generic-garbage-collector): reads and writes
     * @param informerClient the controller manager's client: discovery and the informers
     * @param resyncPeriod   how often discovery is read again (upstream: 30s)
     */
    public GarbageCollector(KubernetesClient client, KubernetesClient informerClient, Duration resyncPeriod) {
        this.informerClient = informerClient;
        this.mapper = new RestMapper(informerClient);
        this.api = new RestMetadataClient(client, mapper);
        this.recorder = new EventRecorder(client, NAME);
        this.resyncPeriod = resyncPeriod;
        this.graphBuilder = new GraphBuilder(graph, attemptToDelete, attemptToOrphan, absentOwnerCache, this::reportInvalidNamespace);
    }

    /** For tests: the workers over {@code api}, with no informers, discovery or Events. */
    GarbageCollector(MetadataClient api, GraphBuilder.InvalidOwnerReporter reporter) {
        this.informerClient = null;
        this.mapper = null;
        this.api = api;
        this.recorder = null;
        this.resyncPeriod = Duration.ZERO;
        this.graphBuilder = new GraphBuilder(graph, attemptToDelete, attemptToOrphan, absentOwnerCache, reporter);
    }

    @Override
    public String name() {
        return NAME;
    }

    GraphBuilder graphBuilder() {
        return graphBuilder;
    }

    Graph graph() {
        return graph;
    }

    WorkQueue attemptToDeleteQueue() {
        return attemptToDelete;
    }

    WorkQueue attemptToOrphanQueue() {
        return attemptToOrphan;
    }

    /**
     * Discovers and starts the monitors, waits (up to {@code cacheSyncTimeout}) for them to list,
     * then starts {@code workers} workers on each queue and the periodic re-discovery. As
     * upstream, monitors that never sync do not stop the collector: it proceeds and logs.
     */
    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        log.info("Starting {} controller", NAME);
        graphBuilder.start();
        resyncMonitors();
        long deadline = System.nanoTime() + cacheSyncTimeout.toNanos();
        while (!graphBuilder.isSynced() && System.nanoTime() < deadline && !closed) {
            Thread.sleep(50);
        }
        if (graphBuilder.isSynced()) {
            log.info("Garbage collector: all resource monitors have synced");
        } else {
            log.info("Garbage collector: not all resource monitors could be synced, proceeding anyways");
        }
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name("gc-attempt-to-delete-" + i).start(() -> runWorker(attemptToDelete, this::attemptToDeleteWorker)));
            threads.add(Thread.ofVirtual().name("gc-attempt-to-orphan-" + i).start(() -> runWorker(attemptToOrphan, this::attemptToOrphanWorker)));
        }
        threads.add(Thread.ofVirtual().name("gc-discovery").start(this::resyncLoop));
    }

    /** Upstream's Sync: re-reads discovery every period and follows what it lists. */
    private void resyncLoop() {
        while (!closed) {
            try {
                Thread.sleep(resyncPeriod.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            resyncMonitors();
        }
    }

    private void resyncMonitors() {
        try {
            mapper.refresh();
            List<ResourceMapping> resources = mapper.deletableResources();
            if (resources.isEmpty()) {
                log.info("garbage collector: no resources reported by discovery, skipping sync");
                return;
            }
            graphBuilder.syncMonitors(informerClient, resources);
            log.debug("garbage collector: {} resources monitored, {} nodes in the graph", resources.size(), graph.size());
        } catch (RuntimeException e) {
            log.info("garbage collector: discovery failed, keeping the current monitors: {}", e.toString());
        }
    }

    @Override
    public boolean hasSynced() {
        return graphBuilder.isSynced();
    }

    /** What a worker does with an item after processing it. */
    enum Action { FORGET, REQUEUE }

    private interface Worker {
        Action process(String uid);
    }

    private static void runWorker(WorkQueue queue, Worker worker) {
        while (true) {
            String uid;
            try {
                uid = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (uid == null) {
                return;
            }
            try {
                if (worker.process(uid) == Action.REQUEUE) {
                    queue.addRateLimited(uid);
                } else {
                    queue.forget(uid);
                }
            } finally {
                queue.done(uid);
            }
        }
    }

    // ---- attemptToDelete ----

    /** One attemptToDelete item (upstream: attemptToDeleteWorker). Package-visible for tests. */
    Action attemptToDeleteWorker(String uid) {
        Node n = graph.read(uid);
        if (n == null) {
            return Action.FORGET; // gone from the graph meanwhile
        }
        try {
            attemptToDeleteItem(n);
        } catch (VirtualDeleteEnqueued e) {
            return Action.FORGET; // the graph builder takes it from here
        } catch (NamespacedOwnerOfClusterScopedObject e) {
            log.info("{}: {}", n.identity(), e.getMessage());
            return Action.FORGET; // will not get better by retrying
        } catch (RuntimeException e) {
            log.info("garbage collector: error syncing item {}: {}", n.identity(), e.toString());
            return Action.REQUEUE;
        }
        if (!n.isObserved()) {
            // until an informer shows it, keep checking: a virtual node may otherwise never leave the graph
            return Action.REQUEUE;
        }
        return Action.FORGET;
    }

    /**
     * Looks the object up live and deletes it only if its uid still matches, it is not waiting
     * for its own dependents, and none of its owners is alive (upstream: attemptToDeleteItem).
     */
    void attemptToDeleteItem(Node item) {
        if (item.isBeingDeleted() && !item.isDeletingDependents()) {
            return; // a one-way trip: wait for it to go, then its dependents are processed
        }
        Identity id = item.identity();
        ResourceMapping resource = api.mapping(id.apiVersion(), id.kind());
        ObjectMetadata latest = api.get(resource, id.namespace(), id.name());
        if (latest == null || !Objects.equals(latest.uid(), id.uid())) {
            graphBuilder.enqueueVirtualDeleteEvent(id);
            throw new VirtualDeleteEnqueued();
        }
        if (item.isDeletingDependents()) {
            processDeletingDependentsItem(item, resource, latest);
            return;
        }
        List<OwnerReference> owners = latest.ownerReferences();
        if (owners.isEmpty()) {
            return;
        }
        Classified refs = classifyReferences(item, owners);
        if (!refs.solid().isEmpty()) {
            if (refs.dangling().isEmpty() && refs.waitingForDependentsDeletion().isEmpty()) {
                return;
            }
            // an owner alive: keep the object, only forget the owners that are gone or about to go
            Set<String> drop = new HashSet<>();
            refs.dangling().forEach(r -> drop.add(r.getUid()));
            refs.waitingForDependentsDeletion().forEach(r -> drop.add(r.getUid()));
            log.info("{} has owners alive; removing references to {}", id, drop);
            api.patch(resource, id, MetadataPatches.deleteOwnerReferences(latest, drop));
            return;
        }
        if (!refs.waitingForDependentsDeletion().isEmpty() && item.dependentsLength() > 0) {
            for (Node dep : item.dependents()) {
                if (dep.isDeletingDependents()) {
                    // a dependent of ours waits for us while our owner waits for us: a possible cycle.
                    // Stop blocking our owners, then go in the foreground ourselves.
                    log.info("{}: an owner and a dependent are both in foreground deletion; unblocking its ownerReferences", id);
                    api.patch(resource, id, MetadataPatches.unblockOwnerReferences(latest));
                    // the patch made a new resourceVersion: delete that one
                    latest = api.get(resource, id.namespace(), id.name());
                    if (latest == null || !Objects.equals(latest.uid(), id.uid())) {
                        graphBuilder.enqueueVirtualDeleteEvent(id);
                        throw new VirtualDeleteEnqueued();
                    }
                    break;
                }
            }
            log.info("Deleting {} in the foreground: an owner waits for its dependents", id);
            deleteObject(resource, id, latest, DeletionPropagation.FOREGROUND);
            return;
        }
        DeletionPropagation policy = latest.hasFinalizer(ObjectMetadata.ORPHAN_FINALIZER) ? DeletionPropagation.ORPHAN
                : latest.hasFinalizer(ObjectMetadata.FOREGROUND_FINALIZER) ? DeletionPropagation.FOREGROUND
                : DeletionPropagation.BACKGROUND;
        log.info("Deleting {} with propagation {}: all its owners are gone", id, policy);
        deleteObject(resource, id, latest, policy);
    }

    private void deleteObject(ResourceMapping resource, Identity id, ObjectMetadata latest, DeletionPropagation policy) {
        if (!api.delete(resource, id, latest.resourceVersion(), policy)) {
            graphBuilder.enqueueVirtualDeleteEvent(id);
            throw new VirtualDeleteEnqueued();
        }
    }

    /** An owner in foreground deletion: done once no blocking dependent is left. */
    private void processDeletingDependentsItem(Node item, ResourceMapping resource, ObjectMetadata latest) {
        List<Node> blocking = item.blockingDependents();
        if (blocking.isEmpty()) {
            log.info("Removing the foregroundDeletion finalizer from {}", item.identity());
            removeFinalizer(resource, item.identity(), latest, ObjectMetadata.FOREGROUND_FINALIZER);
            return;
        }
        for (Node dep : blocking) {
            if (!dep.isDeletingDependents()) {
                attemptToDelete.add(dep.uid());
            }
        }
    }

    record Classified(List<OwnerReference> solid, List<OwnerReference> dangling, List<OwnerReference> waitingForDependentsDeletion) {
    }

    /**
     * Sorts the owners: solid (alive), dangling (gone: not found, or another uid under that
     * name), or waiting for their dependents' deletion (alive, in foreground deletion).
     */
    Classified classifyReferences(Node item, List<OwnerReference> owners) {
        List<OwnerReference> solid = new ArrayList<>();
        List<OwnerReference> dangling = new ArrayList<>();
        List<OwnerReference> waiting = new ArrayList<>();
        for (OwnerReference ref : owners) {
            ObjectMetadata owner = liveOwner(ref, item);
            if (owner == null) {
                dangling.add(ref);
            } else if (owner.waitingForDependentsDeleted()) {
                waiting.add(ref);
            } else {
                solid.add(ref);
            }
        }
        return new Classified(solid, dangling, waiting);
    }

    /**
     * The owner {@code ref} names, live from the API server, or null when it does not exist
     * (upstream: isDangling). A namespaced owner is looked for in the dependent's namespace
     * only: a reference across namespaces is dangling by definition. Known-absent owners are
     * remembered, so their other dependents need no further GET.
     */
    private ObjectMetadata liveOwner(OwnerReference ref, Node item) {
        Identity clusterKey = Identity.ofOwner(ref, "");
        Identity namespacedKey = Identity.ofOwner(ref, item.identity().namespace());
        if (absentOwnerCache.has(clusterKey) || absentOwnerCache.has(namespacedKey)) {
            return null;
        }
        ResourceMapping resource = api.mapping(ref.getApiVersion(), ref.getKind());
        Identity key = resource.namespaced() ? namespacedKey : clusterKey;
        if (!item.identity().namespaced() && resource.namespaced()) {
            throw new NamespacedOwnerOfClusterScopedObject();
        }
        ObjectMetadata owner = api.get(resource, key.namespace(), ref.getName());
        if (owner == null || !Objects.equals(owner.uid(), ref.getUid())) {
            absentOwnerCache.add(key);
            return null;
        }
        return owner;
    }

    // ---- attemptToOrphan ----

    /**
     * An owner deleted with propagationPolicy Orphan (upstream: attemptToOrphanWorker): every
     * dependent the graph knows loses its ownerReference to it, then the owner loses its
     * {@code orphan} finalizer and the API server removes it.
     */
    Action attemptToOrphanWorker(String uid) {
        Node owner = graph.read(uid);
        if (owner == null) {
            return Action.FORGET;
        }
        try {
            attemptToOrphanItem(owner);
            return Action.FORGET;
        } catch (RuntimeException e) {
            log.info("garbage collector: orphaning the dependents of {} failed: {}", owner.identity(), e.toString());
            return Action.REQUEUE;
        }
    }

    void attemptToOrphanItem(Node owner) {
        for (Node dependent : owner.dependents()) {
            orphan(dependent, owner.uid());
        }
        Identity id = owner.identity();
        ResourceMapping resource = api.mapping(id.apiVersion(), id.kind());
        ObjectMetadata latest = api.get(resource, id.namespace(), id.name());
        if (latest == null || !Objects.equals(latest.uid(), id.uid())) {
            return; // gone already
        }
        log.info("Orphaned the dependents of {}; removing its orphan finalizer", id);
        removeFinalizer(resource, id, latest, ObjectMetadata.ORPHAN_FINALIZER);
    }

    private void orphan(Node dependent, String ownerUid) {
        Identity id = dependent.identity();
        ResourceMapping resource = api.mapping(id.apiVersion(), id.kind());
        ObjectMetadata latest = api.get(resource, id.namespace(), id.name());
        if (latest == null || !Objects.equals(latest.uid(), id.uid())
                || latest.ownerReferences().stream().noneMatch(r -> ownerUid.equals(r.getUid()))) {
            return;
        }
        api.patch(resource, id, MetadataPatches.deleteOwnerReferences(latest, Set.of(ownerUid)));
    }

    /** Removes {@code finalizer}; a conflict (someone else changed the object) is retried from a fresh read. */
    private void removeFinalizer(ResourceMapping resource, Identity id, ObjectMetadata latest, String finalizer) {
        ObjectMetadata current = latest;
        for (int attempt = 0; ; attempt++) {
            if (current == null || !Objects.equals(current.uid(), id.uid()) || !current.hasFinalizer(finalizer)) {
                return;
            }
            try {
                api.patch(resource, id, MetadataPatches.removeFinalizer(current, finalizer));
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 4) {
                    throw e;
                }
                current = api.get(resource, id.namespace(), id.name());
            }
        }
    }

    // ---- Events ----

    /** Upstream's OwnerRefInvalidNamespace Warning, on the dependent. */
    private void reportInvalidNamespace(Identity dependent, OwnerReference ref) {
        if (recorder == null) {
            return;
        }
        var obj = new GenericKubernetesResourceBuilder().withApiVersion(dependent.apiVersion()).withKind(dependent.kind())
                .withNewMetadata().withName(dependent.name()).withNamespace(dependent.namespace()).withUid(dependent.uid()).endMetadata()
                .build();
        Identity owner = Identity.ofOwner(ref, dependent.namespace());
        recorder.event(obj, EventRecorder.WARNING, "OwnerRefInvalidNamespace",
                "ownerRef " + owner + " does not exist in namespace \"" + dependent.namespace() + "\"");
    }

    /** A 404 became a virtual delete event: nothing to retry. */
    private static final class VirtualDeleteEnqueued extends RuntimeException {
        VirtualDeleteEnqueued() {
            super(null, null, false, false);
        }
    }

    /** A cluster-scoped object cannot have a namespaced owner (upstream: namespacedOwnerOfClusterScopedObjectErr). */
    private static final class NamespacedOwnerOfClusterScopedObject extends RuntimeException {
        NamespacedOwnerOfClusterScopedObject() {
            super("cluster-scoped objects cannot refer to namespaced owners", null, false, false);
        }
    }

    @Override
    public void close() {
        closed = true;
        attemptToDelete.close();
        attemptToOrphan.close();
        graphBuilder.stop();
        threads.forEach(Thread::interrupt);
        if (recorder != null) {
            recorder.close();
        }
    }
}
