package io.kubej.apiserver.registry.core.namespace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.generic.Store;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code namespaces/{name}/finalize} (upstream {@code FinalizeREST}): the only way to change a
 * namespace's spec.finalizers. The namespace controller empties it once everything in the
 * namespace is gone, and a terminating namespace with no finalizers left is then removed.
 */
public final class FinalizeSubresource implements Subresource {
    @Override
    public String name() {
        return "finalize";
    }

    @Override
    public List<String> verbs() {
        return List.of("update");
    }

    @Override
    public ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired) {
        return store.update(namespace, name, Store.UpdateScope.FINALIZE, dryRun, desired);
    }
}
