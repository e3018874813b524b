package io.kubej.apiserver.authorization.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.generic.Store;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@link BootstrapPolicy} at start (upstream's {@code rbac/bootstrap-roles}
 * post-start hook and {@code pkg/registry/rbac/reconciliation}): a missing role or binding is
 * created; an existing one that keeps the annotation
 * {@code rbac.authorization.kubernetes.io/autoupdate: "true"} gets back any rule or subject it
 * lost, while what an administrator added stays. Setting the annotation to "false" opts out.
 */
public final class BootstrapPolicyReconciler {
    private static final Logger log = LoggerFactory.getLogger(BootstrapPolicyReconciler.class);
    private static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";

    private final Store clusterRoles;
    private final Store clusterRoleBindings;

    public BootstrapPolicyReconciler(Store clusterRoles, Store clusterRoleBindings) {
        this.clusterRoles = clusterRoles;
        this.clusterRoleBindings = clusterRoleBindings;
    }

    public void run() {
        BootstrapPolicy.clusterRoles().forEach(role -> reconcile(clusterRoles, role, "rules"));
        BootstrapPolicy.clusterRoleBindings().forEach(binding -> reconcile(clusterRoleBindings, binding, "subjects"));
    }

    /** Creates {@code wanted}, or adds the entries of its {@code listField} the stored copy lacks. */
    private static void reconcile(Store store, ObjectNode wanted, String listField) {
        String name = wanted.path("metadata").path("name").asText();
        Optional<ObjectNode> existing = store.find(null, name);
        if (existing.isEmpty()) {
            try {
                store.create(null, wanted.deepCopy());
                return;
            } catch (StatusError e) {
                if (e.code() != 409) {
                    throw e;
                }
                // another API server just created it: reconcile that copy
            }
        }
        store.update(null, name, current -> {
            if ("false".equals(current.path("metadata").path("annotations").path(AUTOUPDATE).asText())) {
                return current;
            }
            ObjectNode next = current.deepCopy();
            if (!missing(next, wanted, listField)) {
                return current;
            }
            log.info("reconciling {} {}: restoring its {}", store.resource().kind(), name, listField);
            Set<JsonNode> merged = new LinkedHashSet<>();
            next.path(listField).forEach(merged::add);
            wanted.path(listField).forEach(merged::add);
            ArrayNode arr = next.putArray(listField);
            merged.forEach(arr::add);
            if (wanted.has("aggregationRule")) {
                next.set("aggregationRule", wanted.get("aggregationRule").deepCopy());
            }
            return next;
        });
    }

    private static boolean missing(ObjectNode current, ObjectNode wanted, String listField) {
        Set<JsonNode> have = new java.util.HashSet<>();
        current.path(listField).forEach(have::add);
        for (JsonNode w : wanted.path(listField)) {
            if (!have.contains(w)) {
                return true;
            }
        }
        return wanted.has("aggregationRule") && !wanted.get("aggregationRule").equals(current.get("aggregationRule"));
    }
}
