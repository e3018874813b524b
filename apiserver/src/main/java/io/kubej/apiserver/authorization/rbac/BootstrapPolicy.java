package io.kubej.apiserver.authorization.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The roles and bindings every cluster starts with (upstream
 * {@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}): who the built-in identities are and
 * what they may do. {@code system:masters} (the hard way's admin certificate) is cluster-admin;
 * every authenticated user may discover the API, ask what it may do, and read health; each
 * component's certificate user gets its component's role; and, for
 * {@code --use-service-account-credentials}, each controller's service account
 * {@code kube-system/<name>} gets {@code system:controller:<name>}. The Node authorizer, not a
 * binding, grants the kubelets' {@link NodeRules}.
 *
 * <p>They are written at start by {@link BootstrapPolicyReconciler}, the same way upstream's
 * {@code rbac/bootstrap-roles} post-start hook does.
 */
public final class BootstrapPolicy {
    private BootstrapPolicy() {
    }

    static final String READ = "get,list,watch";
    static final String WRITE = "create,delete,deletecollection,patch,update";
    static final String EVENTS_WRITE = "create,patch,update";

    /** The controllers kubej's kube-controller-manager runs, each with its service account's rules. */
    public static final Map<String, List<PolicyRule>> CONTROLLERS = Map.ofEntries(
            Map.entry("replicaset-controller", List.of(
                    rule("apps", "replicasets", "get,list,watch,update"),
                    rule("apps", "replicasets/status", "update"),
                    rule("apps", "replicasets/finalizers", "update"),
                    // upstream adopts and releases pods by patch; kubej's controller updates them, hence update too
                    rule("", "pods", "list,watch,patch,update,create,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("replication-controller", List.of(
                    rule("", "replicationcontrollers", "get,list,watch,update"),
                    rule("", "replicationcontrollers/status", "update"),
                    rule("", "replicationcontrollers/finalizers", "update"),
                    // upstream adopts and releases pods by patch; kubej's shared claiming updates them, hence update too
                    rule("", "pods", "list,watch,patch,update,create,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("deployment-controller", List.of(
                    rule("apps", "deployments", "get,list,watch,update"),
                    rule("apps", "deployments/status", "update"),
                    rule("apps", "deployments/finalizers", "update"),
                    rule("apps", "replicasets", "create,delete,get,list,patch,update,watch"),
                    // upstream's rule; kubej's controller reads pods from the shared informer only
                    rule("", "pods", "get,list,update,watch"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("endpoint-controller", List.of(
                    rule("", "services,pods", "get,list,watch"),
                    rule("", "endpoints", "create,delete,get,list,update"),
                    rule("", "endpoints/restricted", "create"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("endpointslice-controller", List.of(
                    rule("", "services,pods,nodes", "get,list,watch"),
                    // upstream sets the Services' blockOwnerDeletion refs, hence services/finalizers
                    rule("", "services/finalizers", "update"),
                    rule("discovery.k8s.io", "endpointslices", "create,delete,get,list,update"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("generic-garbage-collector", List.of(
                    rule("*", "*", "get,list,watch,patch,update,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            // node IPAM, node lifecycle and taint eviction all act as node-controller, as upstream
            Map.entry("node-controller", List.of(
                    rule("", "nodes", "get,list,watch,update,delete,patch"),
                    rule("", "nodes/status", "patch,update"),
                    rule("", "pods/status", "patch,update"),
                    rule("", "pods", "list,watch,get,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("pod-garbage-collector", List.of(
                    rule("", "pods", "list,watch,delete"),
                    rule("", "nodes", READ),
                    rule("", "pods/status", "patch"))),
            Map.entry("certificate-controller", List.of(
                    rule("certificates.k8s.io", "certificatesigningrequests", "get,list,watch,delete"),
                    rule("certificates.k8s.io", "certificatesigningrequests/status,certificatesigningrequests/approval", "update"),
                    rule("certificates.k8s.io", "signers", "approve").withNames("kubernetes.io/kube-apiserver-client-kubelet"),
                    rule("certificates.k8s.io", "signers", "sign").withNames("kubernetes.io/legacy-unknown",
                            "kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving"),
                    rule("authorization.k8s.io", "subjectaccessreviews", "create"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("disruption-controller", List.of(
                    rule("apps,extensions", "deployments,replicasets", READ),
                    rule("", "replicationcontrollers", READ),
                    rule("apps", "statefulsets", READ),
                    rule("policy", "poddisruptionbudgets", READ),
                    rule("policy", "poddisruptionbudgets/status", "update"),
                    rule("*", "*/scale", "get"),
                    rule("", "pods/status", "patch,update"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            // quota may count anything, so it may list and watch everything
            Map.entry("resourcequota-controller", List.of(
                    rule("*", "*", "list,watch"),
                    rule("", "resourcequotas/status", "update"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            // it copies any rule into the aggregated roles, hence escalate
            Map.entry("clusterrole-aggregation-controller", List.of(
                    rule("rbac.authorization.k8s.io", "clusterroles", "escalate,get,list,watch,update,patch"))),
            Map.entry("ttl-after-finished-controller", List.of(
                    rule("batch", "jobs", "get,list,watch,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("endpointslicemirroring-controller", List.of(
                    rule("", "services,endpoints", READ),
                    rule("", "services/finalizers,endpoints/finalizers", "update"),
                    rule("discovery.k8s.io", "endpointslices", "get,list,create,update,delete"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("horizontal-pod-autoscaler", List.of(
                    rule("autoscaling", "horizontalpodautoscalers", READ),
                    rule("autoscaling", "horizontalpodautoscalers/status", "update"),
                    rule("*", "*/scale", "get,update"),
                    rule("", "pods", "list"),
                    rule("metrics.k8s.io", "pods", "list"),
                    rule("custom.metrics.k8s.io,external.metrics.k8s.io", "*", "get,list"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("service-account-controller", List.of(
                    rule("", "serviceaccounts", "create"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("root-ca-cert-publisher", List.of(
                    rule("", "configmaps", "create,update"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))),
            Map.entry("namespace-controller", List.of(
                    rule("", "namespaces", "get,list,watch,delete"),
                    rule("", "namespaces/finalize,namespaces/status", "update"),
                    // kubej's controller merge-patches the status where upstream's updates it
                    rule("", "namespaces/status", "patch"),
                    rule("*", "*", "get,list,delete,deletecollection"),
                    rule("", "events", EVENTS_WRITE),
                    rule("events.k8s.io", "events", EVENTS_WRITE))));

    public static List<ObjectNode> clusterRoles() {
        List<ObjectNode> roles = new ArrayList<>();
        roles.add(clusterRole("cluster-admin", List.of(rule("*", "*", "*"), PolicyRule.urls(List.of("*"), List.of("*")))));
        roles.add(clusterRole("system:discovery", List.of(urls("get", "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                "/openapi", "/openapi/*", "/readyz", "/version", "/version/"))));
        roles.add(clusterRole("system:public-info-viewer", List.of(urls("get", "/healthz", "/livez", "/readyz", "/version", "/version/"))));
        roles.add(clusterRole("system:basic-user", List.of(
                rule("authentication.k8s.io", "selfsubjectreviews", "create"),
                rule("authorization.k8s.io", "selfsubjectaccessreviews,selfsubjectrulesreviews", "create"))));
        roles.add(clusterRole("system:monitoring", List.of(urls("get", "/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz",
                "/readyz/*", "/metrics", "/metrics/slis"))));
        roles.add(aggregated("admin", "rbac.authorization.k8s.io/aggregate-to-admin"));
        roles.add(aggregated("edit", "rbac.authorization.k8s.io/aggregate-to-edit"));
        roles.add(aggregated("view", "rbac.authorization.k8s.io/aggregate-to-view"));
        roles.add(labelled(clusterRole("system:aggregate-to-admin", UserFacingRoles.ADMIN), "admin"));
        roles.add(labelled(clusterRole("system:aggregate-to-edit", UserFacingRoles.EDIT), "admin", "edit"));
        roles.add(labelled(clusterRole("system:aggregate-to-view", UserFacingRoles.VIEW), "admin", "edit", "view"));
        roles.add(clusterRole("system:node", NodeRules.RULES));
        roles.add(clusterRole("system:node-proxier", List.of(
                rule("", "services,endpoints", READ),
                rule("discovery.k8s.io", "endpointslices", "list,watch"),
                rule("", "nodes", READ),
                rule("", "events", EVENTS_WRITE),
                rule("events.k8s.io", "events", EVENTS_WRITE))));
        roles.add(clusterRole("system:kube-scheduler", List.of(
                rule("", "events", EVENTS_WRITE),
                rule("events.k8s.io", "events", EVENTS_WRITE),
                rule("coordination.k8s.io", "leases", "create"),
                // patch too: fabric8's LeaseLock patches the lease where client-go's updates it
                rule("coordination.k8s.io", "leases", "get,update,patch").withNames("kube-scheduler"),
                rule("", "endpoints", "create"),
                rule("", "endpoints", "get,update").withNames("kube-scheduler"),
                rule("", "nodes", READ),
                rule("", "pods", "delete,get,list,watch"),
                rule("", "bindings,pods/binding", "create"),
                rule("", "pods/status", "patch,update"),
                rule("", "replicationcontrollers,services", "list,watch"),
                rule("apps", "replicasets,statefulsets", "list,watch"),
                rule("policy", "poddisruptionbudgets", "list,watch"),
                rule("", "persistentvolumeclaims,persistentvolumes", READ),
                rule("", "namespaces", READ),
                rule("authentication.k8s.io", "tokenreviews", "create"),
                rule("authorization.k8s.io", "subjectaccessreviews", "create"),
                rule("storage.k8s.io", "csinodes,csidrivers,csistoragecapacities,storageclasses", READ))));
        roles.add(clusterRole("system:kube-controller-manager", List.of(
                rule("", "events", EVENTS_WRITE),
                rule("events.k8s.io", "events", EVENTS_WRITE),
                rule("coordination.k8s.io", "leases", "create"),
                rule("coordination.k8s.io", "leases", "get,update,patch").withNames("kube-controller-manager"),
                rule("", "endpoints", "create"),
                rule("", "endpoints", "get,update").withNames("kube-controller-manager"),
                rule("", "secrets,serviceaccounts", "create"),
                rule("", "secrets", "delete"),
                rule("", "configmaps,namespaces,secrets,serviceaccounts", "get"),
                rule("", "secrets,serviceaccounts", "update"),
                rule("authentication.k8s.io", "tokenreviews", "create"),
                rule("authorization.k8s.io", "subjectaccessreviews", "create"),
                rule("*", "*", "list,watch"),
                rule("", "serviceaccounts/token", "create"))));
        // who may ask for a kubelet client certificate, and which requests csrapproving approves (bound by the
        // cluster's installer, as kubeadm does: bootstrap tokens get nodeclient, nodes selfnodeclient)
        roles.add(clusterRole("system:node-bootstrapper", List.of(
                rule("certificates.k8s.io", "certificatesigningrequests", "create,get,list,watch"))));
        roles.add(clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", List.of(
                rule("certificates.k8s.io", "certificatesigningrequests/nodeclient", "create"))));
        roles.add(clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", List.of(
                rule("certificates.k8s.io", "certificatesigningrequests/selfnodeclient", "create"))));
        roles.add(clusterRole("system:kubelet-api-admin", List.of(
                rule("", "nodes", "get,list,watch,proxy"),
                rule("", "nodes/log,nodes/metrics,nodes/proxy,nodes/stats", "*"))));
        roles.add(clusterRole("system:auth-delegator", List.of(
                rule("authentication.k8s.io", "tokenreviews", "create"),
                rule("authorization.k8s.io", "subjectaccessreviews", "create"))));
        roles.add(clusterRole("system:service-account-issuer-discovery", List.of(
                urls("get", "/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"))));
        CONTROLLERS.forEach((name, rules) -> roles.add(clusterRole("system:controller:" + name, rules)));
        return roles;
    }

    public static List<ObjectNode> clusterRoleBindings() {
        List<ObjectNode> bindings = new ArrayList<>();
        bindings.add(binding("cluster-admin", "cluster-admin", group("system:masters")));
        bindings.add(binding("system:discovery", "system:discovery", group("system:authenticated")));
        bindings.add(binding("system:basic-user", "system:basic-user", group("system:authenticated")));
        bindings.add(binding("system:public-info-viewer", "system:public-info-viewer",
                group("system:authenticated"), group("system:unauthenticated")));
        bindings.add(binding("system:monitoring", "system:monitoring", group("system:monitoring")));
        bindings.add(binding("system:node", "system:node")); // no subjects: the Node authorizer grants these rules
        bindings.add(binding("system:node-proxier", "system:node-proxier", user("system:kube-proxy")));
        bindings.add(binding("system:kube-scheduler", "system:kube-scheduler", user("system:kube-scheduler")));
        bindings.add(binding("system:kube-controller-manager", "system:kube-controller-manager", user("system:kube-controller-manager")));
        bindings.add(binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
                group("system:serviceaccounts")));
        CONTROLLERS.keySet().forEach(name -> bindings.add(binding("system:controller:" + name, "system:controller:" + name,
                serviceAccount("kube-system", name))));
        return bindings;
    }

    // --- the small vocabulary the policy is written in ---

    /** A rule over comma-separated groups, resources and verbs. */
    static PolicyRule rule(String groups, String resources, String verbs) {
        return PolicyRule.resources(split(groups), split(resources), split(verbs));
    }

    static PolicyRule urls(String verbs, String... urls) {
        return PolicyRule.urls(List.of(urls), split(verbs));
    }

    private static List<String> split(String csv) {
        return csv.isEmpty() ? List.of("") : List.of(csv.split(","));
    }

    private static ObjectNode clusterRole(String name, List<PolicyRule> rules) {
        ObjectNode role = object("ClusterRole", name);
        ArrayNode arr = role.putArray("rules");
        rules.forEach(r -> arr.add(r.toJson()));
        return role;
    }

    private static ObjectNode aggregated(String name, String label) {
        ObjectNode role = clusterRole(name, List.of());
        role.putObject("aggregationRule").putArray("clusterRoleSelectors").addObject().putObject("matchLabels").put(label, "true");
        return role;
    }

    private static ObjectNode labelled(ObjectNode role, String... aggregateTo) {
        ObjectNode labels = Json.obj(Json.metadata(role), "labels");
        for (String to : aggregateTo) {
            labels.put("rbac.authorization.k8s.io/aggregate-to-" + to, "true");
        }
        return role;
    }

    private static ObjectNode binding(String name, String clusterRole, ObjectNode... subjects) {
        ObjectNode b = object("ClusterRoleBinding", name);
        b.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", clusterRole);
        ArrayNode arr = b.putArray("subjects");
        for (ObjectNode s : subjects) {
            arr.add(s);
        }
        return b;
    }

    private static ObjectNode object(String kind, String name) {
        ObjectNode o = Json.object();
        o.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
        ObjectNode meta = Json.metadata(o);
        meta.put("name", name);
        meta.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
        meta.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
        return o;
    }

    private static ObjectNode user(String name) {
        return Json.object().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "User").put("name", name);
    }

    private static ObjectNode group(String name) {
        return Json.object().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Group").put("name", name);
    }

    private static ObjectNode serviceAccount(String namespace, String name) {
        return Json.object().put("kind", "ServiceAccount").put("name", name).put("namespace", namespace);
    }
}
