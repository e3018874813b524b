package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The NamespaceLifecycle admission plugin (upstream {@code plugin/pkg/admission/namespace/lifecycle}):
 * nothing is created in a namespace that does not exist or is being deleted, and the
 * namespaces the system itself lives in cannot be deleted.
 */
public final class NamespaceLifecycle implements AdmissionPlugin {
    /** Upstream's immortal namespaces. */
    static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

    private final Function<String, Optional<ObjectNode>> namespaces;

    /** @param namespaces reads a namespace by name */
    public NamespaceLifecycle(Function<String, Optional<ObjectNode>> namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public void admit(Attributes a) {
        boolean isNamespace = a.resource().group().isEmpty() && a.resource().plural().equals("namespaces");
        if (isNamespace && a.operation().equals("DELETE") && a.subresource().isEmpty() && IMMORTAL.contains(a.name())) {
            throw StatusError.forbiddenOn("", "namespaces", a.name(), "this namespace may not be deleted");
        }
        if (!a.resource().namespaced() || !a.operation().equals("CREATE")) {
            return;
        }
        ObjectNode ns = namespaces.apply(a.namespace()).orElseThrow(() -> StatusError.notFound("", "namespaces", a.namespace()));
        if (ns.path("metadata").has("deletionTimestamp")) {
            throw StatusError.forbiddenOn(a.resource().group(), a.resource().plural(), a.name(),
                    "unable to create new content in namespace " + a.namespace() + " because it is being terminated");
        }
    }
}
