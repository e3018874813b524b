package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.Subresource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code <resource>/status} (upstream {@code StatusREST}): the same object, but an update here
 * changes only {@code status}, and a main-resource update never changes it. This split is why
 * a controller writing status cannot clobber a user's spec edit, and the reverse.
 */
public final class StatusSubresource implements Subresource {
    public static final StatusSubresource INSTANCE = new StatusSubresource("status");

    private final String name;

    private StatusSubresource(String name) {
        this.name = name;
    }

    /**
     * A status-like subresource under another name: a CSR's {@code /approval} changes only its
     * status (the Approved/Denied conditions) too.
     */
    public static StatusSubresource named(String name) {
        return new StatusSubresource(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> verbs() {
        return List.of("get", "patch", "update");
    }

    @Override
    public ObjectNode get(Store store, String namespace, String name) {
        return store.get(namespace, name);
    }

    @Override
    public ObjectNode update(Store store, String namespace, String name, boolean dryRun, UnaryOperator<ObjectNode> desired) {
        return store.update(namespace, name, Store.UpdateScope.STATUS, dryRun, desired);
    }
}
