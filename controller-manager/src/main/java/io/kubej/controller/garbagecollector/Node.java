package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One object in the garbage collector's graph (upstream: {@code node} in graph.go), with an
 * edge to each of its dependents (the objects whose ownerReferences name it).
 *
 * <p>Only the graph builder's single thread changes a node; the collector's workers read it
 * at the same time, hence volatile fields and a concurrent set of dependents.
 *
 * <p>A node is "virtual" (not observed) while it exists only because a dependent names it as
 * owner: its object has not come through any informer yet, and may not exist at all. The
 * collector asks the API server about a virtual node and turns a 404 into a virtual delete.
 */
final class Node {
    private volatile Identity identity;
    private volatile List<OwnerReference> owners;
    private final Set<Node> dependents = ConcurrentHashMap.newKeySet();
    private volatile boolean observed;
    /** The object has a deletionTimestamp: a one-way trip; nothing for the collector to do but wait. */
    private volatile boolean beingDeleted;
    /** Being deleted with the foregroundDeletion finalizer: waits until its blocking dependents are gone. */
    private volatile boolean deletingDependents;

    private Node(Identity identity, List<OwnerReference> owners, boolean observed) {
        this.identity = identity;
        this.owners = owners;
        this.observed = observed;
    }

    /** A node for an object an informer reported. */
    static Node observed(ObjectMetadata obj) {
        Node n = new Node(obj.identity(), obj.ownerReferences(), true);
        n.beingDeleted = obj.beingDeleted();
        n.deletingDependents = obj.waitingForDependentsDeleted();
        return n;
    }

    /** A placeholder for an owner a dependent names, not seen yet. */
    static Node virtual(Identity identity) {
        return new Node(identity, List.of(), false);
    }

    Identity identity() {
        return identity;
    }

    String uid() {
        return identity.uid();
    }

    List<OwnerReference> owners() {
        return owners;
    }

    boolean isObserved() {
        return observed;
    }

    boolean isBeingDeleted() {
        return beingDeleted;
    }

    boolean isDeletingDependents() {
        return deletingDependents;
    }

    List<Node> dependents() {
        return List.copyOf(dependents);
    }

    int dependentsLength() {
        return dependents.size();
    }

    /**
     * The dependents that block this owner's foreground deletion: those whose ownerReference to
     * it says {@code blockOwnerDeletion: true} (upstream: blockingDependents).
     */
    List<Node> blockingDependents() {
        return dependents.stream().filter(d -> d.owners.stream()
                .anyMatch(r -> Objects.equals(r.getUid(), uid()) && Boolean.TRUE.equals(r.getBlockOwnerDeletion()))).toList();
    }

    // --- changed by the graph builder only ---

    void setIdentity(Identity identity) {
        this.identity = identity;
    }

    void setOwners(List<OwnerReference> owners) {
        this.owners = List.copyOf(owners);
    }

    void markObserved() {
        observed = true;
    }

    void markBeingDeleted() {
        beingDeleted = true;
    }

    void markDeletingDependents() {
        beingDeleted = true;
        deletingDependents = true;
    }

    void addDependent(Node n) {
        dependents.add(n);
    }

    void deleteDependent(Node n) {
        dependents.remove(n);
    }

    @Override
    public String toString() {
        return identity + (observed ? "" : " (virtual)");
    }
}
