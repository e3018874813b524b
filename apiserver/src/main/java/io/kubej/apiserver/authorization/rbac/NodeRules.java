package io.kubej.apiserver.authorization.rbac;

import static io.kubej.apiserver.authorization.rbac.BootstrapPolicy.READ;
import static io.kubej.apiserver.authorization.rbac.BootstrapPolicy.rule;

import java.util.List;

/**
 * What a kubelet may do (upstream {@code bootstrappolicy.NodeRules}), granted by the Node
 * authorizer to {@code system:node:<name>} in {@code system:nodes}. Which objects it may touch
 * is narrowed further: Secrets, ConfigMaps, PVCs, PVs and service-account tokens only along
 * the node's own pods (the Node authorizer), and its own Node, Lease and pods only
 * (NodeRestriction admission).
 */
public final class NodeRules {
    private NodeRules() {
    }

    public static final List<PolicyRule> RULES = List.of(
            rule("authentication.k8s.io", "tokenreviews", "create"),
            rule("authorization.k8s.io", "subjectaccessreviews,localsubjectaccessreviews", "create"),
            rule("", "services", READ),
            rule("", "nodes", "create,get,list,watch"),
            rule("", "nodes/status", "patch,update"),
            rule("", "nodes", "patch,update"),
            rule("", "events", "create,patch,update"),
            rule("events.k8s.io", "events", "create,patch,update"),
            rule("", "pods", READ),
            rule("", "pods", "create,delete"), // mirror pods of static pods
            rule("", "pods/status", "patch,update"),
            rule("", "pods/eviction", "create"),
            rule("", "configmaps,secrets", "get,list,watch"),
            rule("", "persistentvolumeclaims,persistentvolumes", "get"),
            rule("", "endpoints", "get"),
            rule("certificates.k8s.io", "certificatesigningrequests", "create,get,list,watch"),
            rule("coordination.k8s.io", "leases", "create,delete,get,patch,update"),
            rule("storage.k8s.io", "volumeattachments", "get"),
            rule("", "serviceaccounts/token", "create"),
            rule("", "persistentvolumeclaims/status", "get,patch,update"),
            rule("storage.k8s.io", "csidrivers", READ),
            rule("storage.k8s.io", "csinodes", "create,delete,get,patch,update"),
            rule("node.k8s.io", "runtimeclasses", READ));
}
