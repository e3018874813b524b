package io.kubej.apiserver.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer.Decision;
import io.kubej.apiserver.authorization.rbac.BootstrapPolicy;
import io.kubej.apiserver.authorization.rbac.RbacAuthorizer;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RBAC's rules of evaluation, on fixed sets of roles and bindings. */
class RbacAuthorizerTest {
    static final UserInfo ALICE = new UserInfo("alice", List.of("devs", UserInfo.ALL_AUTHENTICATED));

    static ObjectNode yaml(String s) {
        try {
            return (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RequestInfo req(String verb, String group, String ns, String resource, String name, String sub) {
        return new RequestInfo(true, group, "v1", ns, resource, name, sub, verb, List.of());
    }

    static RequestInfo path(String verb, String path) {
        return new RequestInfo(false, "", "", "", "", "", "", verb, List.of(path.substring(1).split("/")));
    }

    private static RbacAuthorizer rbac(List<ObjectNode> roles, List<ObjectNode> roleBindings, List<ObjectNode> clusterRoles,
                                       List<ObjectNode> clusterRoleBindings) {
        return new RbacAuthorizer(ObjectSource.of(roles), ObjectSource.of(roleBindings), ObjectSource.of(clusterRoles),
                ObjectSource.of(clusterRoleBindings));
    }

    @Test
    void aRoleBindingGrantsItsRoleInItsNamespaceOnly() {
        var authz = rbac(List.of(yaml("""
                        metadata: {name: reader, namespace: team}
                        rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}]""")),
                List.of(yaml("""
                        metadata: {name: b, namespace: team}
                        roleRef: {kind: Role, name: reader}
                        subjects: [{kind: Group, name: devs}]""")), List.of(), List.of());
        assertThat(authz.authorize(ALICE, req("list", "", "team", "pods", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("get", "", "team", "pods", "web", "log"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("list", "", "other", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("list", "", "", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("delete", "", "team", "pods", "web", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("get", "", "team", "pods", "web", "exec"))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("list", "apps", "team", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void subjectsMatchUsersGroupsAndServiceAccounts() {
        ObjectNode role = yaml("""
                metadata: {name: all}
                rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]""");
        var authz = rbac(List.of(), List.of(yaml("""
                        metadata: {name: b, namespace: ns}
                        roleRef: {kind: ClusterRole, name: all}
                        subjects: [{kind: ServiceAccount, name: builder}, {kind: User, name: bob}]""")),
                List.of(role), List.of());
        UserInfo sa = new UserInfo("system:serviceaccount:ns:builder", List.of("system:serviceaccounts"));
        UserInfo otherSa = new UserInfo("system:serviceaccount:elsewhere:builder", List.of());
        assertThat(authz.authorize(sa, req("create", "apps", "ns", "deployments", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(otherSa, req("create", "apps", "ns", "deployments", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(new UserInfo("bob", List.of()), req("get", "", "ns", "secrets", "s", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("get", "", "ns", "secrets", "s", ""))).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void resourceNamesAndNonResourceUrlsNarrowARule() {
        var authz = rbac(List.of(), List.of(), List.of(yaml("""
                        metadata: {name: narrow}
                        rules:
                        - {apiGroups: [""], resources: [configmaps], resourceNames: [settings], verbs: [get]}
                        - {nonResourceURLs: ["/healthz", "/metrics/*"], verbs: [get]}""")),
                List.of(yaml("""
                        metadata: {name: b}
                        roleRef: {kind: ClusterRole, name: narrow}
                        subjects: [{kind: User, name: alice}]""")));
        assertThat(authz.authorize(ALICE, req("get", "", "any", "configmaps", "settings", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("get", "", "any", "configmaps", "other", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("list", "", "any", "configmaps", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, path("get", "/healthz"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, path("get", "/metrics/slis"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, path("get", "/livez"))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, path("post", "/healthz"))).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void aggregatedRolesCollectTheirSelectedRoles() {
        var authz = rbac(List.of(), List.of(), BootstrapPolicy.clusterRoles(), List.of(yaml("""
                metadata: {name: b}
                roleRef: {kind: ClusterRole, name: view}
                subjects: [{kind: User, name: alice}]""")));
        assertThat(authz.authorize(ALICE, req("list", "apps", "x", "deployments", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("get", "", "x", "secrets", "s", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(ALICE, req("create", "apps", "x", "deployments", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.rulesOfRole("ClusterRole", "", "admin")).hasSizeGreaterThan(authz.rulesOfRole("ClusterRole", "", "edit").size());
    }

    @Test
    void theBootstrapPolicyMakesMastersAdminsAndLetsEveryoneDiscover() {
        var authz = rbac(List.of(), List.of(), BootstrapPolicy.clusterRoles(), BootstrapPolicy.clusterRoleBindings());
        UserInfo admin = new UserInfo("admin", List.of("system:masters", UserInfo.ALL_AUTHENTICATED));
        assertThat(authz.authorize(admin, req("delete", "", "", "nodes", "n", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(admin, path("get", "/metrics"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, path("get", "/apis/apps/v1"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("create", "authorization.k8s.io", "", "selfsubjectaccessreviews", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(ALICE, req("list", "", "default", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(authz.authorize(UserInfo.anonymous(), path("get", "/healthz"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(UserInfo.anonymous(), path("get", "/api"))).isEqualTo(Decision.NO_OPINION);
        UserInfo proxy = new UserInfo("system:kube-proxy", List.of(UserInfo.ALL_AUTHENTICATED));
        assertThat(authz.authorize(proxy, req("watch", "discovery.k8s.io", "", "endpointslices", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(proxy, req("delete", "", "", "nodes", "n", ""))).isEqualTo(Decision.NO_OPINION);
        UserInfo rsController = new UserInfo("system:serviceaccount:kube-system:replicaset-controller", List.of());
        assertThat(authz.authorize(rsController, req("create", "", "default", "pods", "", ""))).isEqualTo(Decision.ALLOW);
        UserInfo deploymentController = new UserInfo("system:serviceaccount:kube-system:deployment-controller", List.of());
        assertThat(authz.authorize(deploymentController, req("create", "apps", "default", "replicasets", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(deploymentController, req("update", "apps", "default", "deployments", "web", "status"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(deploymentController, req("create", "", "default", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void theGarbageCollectorMayReadPatchAndDeleteEveryKindAndTheReplicationControllerRunsItsPods() {
        var authz = rbac(List.of(), List.of(), BootstrapPolicy.clusterRoles(), BootstrapPolicy.clusterRoleBindings());
        UserInfo gc = new UserInfo("system:serviceaccount:kube-system:generic-garbage-collector", List.of());
        for (String verb : List.of("get", "list", "watch", "patch", "update", "delete")) {
            assertThat(authz.authorize(gc, req(verb, "example.com", "default", "widgets", "w", ""))).as(verb).isEqualTo(Decision.ALLOW);
        }
        assertThat(authz.authorize(gc, req("create", "", "default", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);
        UserInfo rc = new UserInfo("system:serviceaccount:kube-system:replication-controller", List.of());
        assertThat(authz.authorize(rc, req("create", "", "default", "pods", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(rc, req("update", "", "default", "replicationcontrollers", "web", "status"))).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(rc, req("delete", "", "default", "replicationcontrollers", "web", ""))).isEqualTo(Decision.NO_OPINION);
    }

    @Test
    void rulesForListWhatTheBindingsGrant() {
        var authz = rbac(List.of(), List.of(), BootstrapPolicy.clusterRoles(), BootstrapPolicy.clusterRoleBindings());
        var rules = authz.rulesFor(ALICE, "default");
        assertThat(rules.resourceRules()).anyMatch(r -> r.resources().contains("selfsubjectrulesreviews"));
        assertThat(rules.nonResourceRules()).anyMatch(r -> r.nonResourceURLs().contains("/api/*"));
        assertThat(rules.resourceRules()).noneMatch(r -> r.resources().contains("*"));
    }

    /** The acceptance's performance item: < 0.2 ms per decision with 1,000 RoleBindings (here, far under, on the index). */
    @Test
    void aThousandBindingsStayFast() {
        List<ObjectNode> bindings = new ArrayList<>();
        List<ObjectNode> roles = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            roles.add(yaml("{metadata: {name: r, namespace: ns" + i + "}, rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]}"));
            bindings.add(yaml("{metadata: {name: b, namespace: ns" + i + "}, roleRef: {kind: Role, name: r}, subjects: [{kind: User, name: user" + i + "}]}"));
        }
        var authz = rbac(roles, bindings, BootstrapPolicy.clusterRoles(), BootstrapPolicy.clusterRoleBindings());
        UserInfo u = new UserInfo("user500", List.of(UserInfo.ALL_AUTHENTICATED));
        RequestInfo allowed = req("get", "", "ns500", "pods", "p", "");
        RequestInfo denied = req("get", "", "ns501", "pods", "p", "");
        assertThat(authz.authorize(u, allowed)).isEqualTo(Decision.ALLOW);
        assertThat(authz.authorize(u, denied)).isEqualTo(Decision.NO_OPINION);
        long start = System.nanoTime();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            authz.authorize(u, (i & 1) == 0 ? allowed : denied);
        }
        double microsEach = (System.nanoTime() - start) / 1e3 / n;
        assertThat(microsEach).as("µs per decision").isLessThan(200);
    }
}
