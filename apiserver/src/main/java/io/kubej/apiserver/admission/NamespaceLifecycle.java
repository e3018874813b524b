package io.kubej.apiserver.admission;

import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;

/**
 * The NamespaceLifecycle admission plugin (upstream {@code plugin/pkg/admission/namespace/lifecycle}):
 * nothing is created in a namespace that does not exist or is being deleted.
 */
public final class NamespaceLifecycle {
    private final Etcd3Storage storage;
    private final String prefix;

    public NamespaceLifecycle(Etcd3Storage storage, String etcdPrefix) {
        this.storage = storage;
        this.prefix = etcdPrefix;
    }

    public void admit(String namespace, String operation) {
        var ns = storage.get(prefix + "/namespaces/" + namespace);
        if (ns.isEmpty()) {
            throw StatusError.notFound("", "namespaces", namespace);
        }
        if (operation.equals("create") && ns.get().object().path("metadata").has("deletionTimestamp")) {
            throw StatusError.forbidden("unable to create new content in namespace " + namespace + " because it is being terminated");
        }
    }
}
