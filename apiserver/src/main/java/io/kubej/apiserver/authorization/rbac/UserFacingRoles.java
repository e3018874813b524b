package io.kubej.apiserver.authorization.rbac;

import static io.kubej.apiserver.authorization.rbac.BootstrapPolicy.READ;
import static io.kubej.apiserver.authorization.rbac.BootstrapPolicy.WRITE;
import static io.kubej.apiserver.authorization.rbac.BootstrapPolicy.rule;

import java.util.List;

/**
 * The rules behind the user-facing roles {@code view}, {@code edit} and {@code admin}, which
 * are aggregated: each is the union of the ClusterRoles labelled
 * {@code rbac.authorization.k8s.io/aggregate-to-<role>: "true"}, so a CRD's author can add
 * to them. view reads everything in a namespace but Secrets and RBAC; edit also writes it and
 * reads Secrets; admin also manages the namespace's Roles and RoleBindings.
 */
final class UserFacingRoles {
    private UserFacingRoles() {
    }

    static final List<PolicyRule> VIEW = List.of(
            rule("", "pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status,"
                    + "persistentvolumeclaims,persistentvolumeclaims/status,configmaps,endpoints,pods/log,pods/status,"
                    + "replicationcontrollers/status,bindings,events,limitranges,resourcequotas,resourcequotas/status,"
                    + "namespaces,namespaces/status", READ),
            rule("discovery.k8s.io", "endpointslices", READ),
            rule("apps", "controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,"
                    + "replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status", READ),
            rule("autoscaling", "horizontalpodautoscalers,horizontalpodautoscalers/status", READ),
            rule("batch", "cronjobs,cronjobs/status,jobs,jobs/status", READ),
            rule("policy", "poddisruptionbudgets,poddisruptionbudgets/status", READ),
            rule("networking.k8s.io", "ingresses,ingresses/status,networkpolicies", READ));

    static final List<PolicyRule> EDIT = List.of(
            rule("", "serviceaccounts", "impersonate"),
            rule("", "pods,pods/attach,pods/proxy,pods/exec,pods/portforward", WRITE),
            rule("", "pods/eviction", "create"),
            rule("", "replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/proxy,"
                    + "persistentvolumeclaims,configmaps,secrets,endpoints", WRITE),
            rule("", "serviceaccounts/token", "create"),
            rule("", "pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy", READ),
            rule("apps", "daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,"
                    + "statefulsets,statefulsets/scale", WRITE),
            rule("autoscaling", "horizontalpodautoscalers", WRITE),
            rule("batch", "cronjobs,jobs", WRITE),
            rule("networking.k8s.io", "ingresses,networkpolicies", WRITE),
            rule("policy", "poddisruptionbudgets", WRITE),
            rule("discovery.k8s.io", "endpointslices", WRITE));

    static final List<PolicyRule> ADMIN = List.of(
            rule("authorization.k8s.io", "localsubjectaccessreviews", "create"),
            rule("rbac.authorization.k8s.io", "rolebindings,roles", WRITE + ",get,list,watch"));
}
