package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Objects;

/**
 * Who a node of the graph is (upstream: {@code objectReference}): the coordinates an
 * ownerReference names (apiVersion, kind, name, uid) plus the namespace. A cluster-scoped
 * object has an empty namespace.
 *
 * <p>A node made from a dependent's ownerReference ("virtual", its owner not seen yet) takes
 * the dependent's namespace: ownerReferences carry none, because an owner must live in its
 * dependent's namespace or be cluster-scoped.
 */
record Identity(String apiVersion, String kind, String namespace, String name, String uid) {
    Identity {
        namespace = namespace == null ? "" : namespace;
    }

    /** The owner an ownerReference names, as seen from a dependent in {@code namespace}. */
    static Identity ofOwner(OwnerReference ref, String namespace) {
        return new Identity(ref.getApiVersion(), ref.getKind(), namespace, ref.getName(), ref.getUid());
    }

    boolean namespaced() {
        return !namespace.isEmpty();
    }

    Identity inNamespace(String ns) {
        return new Identity(apiVersion, kind, ns, name, uid);
    }

    /** Upstream's ownerReferenceMatchesCoordinates: the same uid, name, kind and apiVersion. */
    boolean matchesCoordinates(OwnerReference ref) {
        return Objects.equals(uid, ref.getUid()) && Objects.equals(name, ref.getName())
                && Objects.equals(kind, ref.getKind()) && Objects.equals(apiVersion, ref.getApiVersion());
    }

    @Override
    public String toString() {
        return "[" + apiVersion + "/" + kind + ", namespace: " + namespace + ", name: " + name + ", uid: " + uid + "]";
    }
}
