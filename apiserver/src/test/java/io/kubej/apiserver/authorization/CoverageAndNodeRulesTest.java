package io.kubej.apiserver.authorization;

import static io.kubej.apiserver.authorization.RbacAuthorizerTest.req;
import static io.kubej.apiserver.authorization.RbacAuthorizerTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.admission.NodeRestriction;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer.Decision;
import io.kubej.apiserver.authorization.node.NodeAuthorizer;
import io.kubej.apiserver.authorization.node.NodeGraph;
import io.kubej.apiserver.registry.BuiltinResources;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Node authorizer's graph rules and NodeRestriction's own-objects rules. */
class CoverageAndNodeRulesTest {
    static final UserInfo WORKER0 = new UserInfo("system:node:worker-0", List.of("system:nodes", UserInfo.ALL_AUTHENTICATED));

    @Test
    void aNodeReachesWhatItsPodsUse() {
        NodeGraph graph = new NodeGraph();
        graph.accept("ADDED", yaml("""
                metadata: {name: web, namespace: app}
                spec:
                  nodeName: worker-0
                  serviceAccountName: runner
                  volumes:
                  - {name: v, secret: {secretName: tls}}
                  - {name: p, projected: {sources: [{configMap: {name: settings}}]}}
                  - {name: d, persistentVolumeClaim: {claimName: data}}
                  containers:
                  - name: c
                    env: [{name: X, valueFrom: {secretKeyRef: {name: password, key: k}}}]
                    envFrom: [{configMapRef: {name: env}}]"""));
        NodeAuthorizer node = new NodeAuthorizer(graph, (ns, name) -> Optional.of(yaml("{spec: {volumeName: pv-1}}")));
        for (String[] allowed : new String[][] {{"secrets", "tls"}, {"secrets", "password"}, {"configmaps", "settings"}, {"configmaps", "env"}}) {
            assertThat(node.authorize(WORKER0, req("get", "", "app", allowed[0], allowed[1], ""))).as(allowed[1]).isEqualTo(Decision.ALLOW);
        }
        assertThat(node.authorize(WORKER0, req("get", "", "app", "secrets", "unrelated", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(node.authorize(WORKER0, req("list", "", "app", "secrets", "", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(node.authorize(WORKER0, req("get", "", "app", "persistentvolumeclaims", "data", ""))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("get", "", "", "persistentvolumes", "pv-1", ""))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("create", "", "app", "serviceaccounts", "runner", "token"))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("create", "", "app", "serviceaccounts", "admin", "token"))).isEqualTo(Decision.NO_OPINION);
        UserInfo worker1 = new UserInfo("system:node:worker-1", List.of("system:nodes"));
        assertThat(node.authorize(worker1, req("get", "", "app", "secrets", "tls", ""))).isEqualTo(Decision.NO_OPINION);
        // the generic node rules, and only for node identities
        assertThat(node.authorize(WORKER0, req("watch", "", "", "pods", "", ""))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("update", "", "app", "pods", "web", "status"))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("get", "coordination.k8s.io", "kube-node-lease", "leases", "worker-0", ""))).isEqualTo(Decision.ALLOW);
        assertThat(node.authorize(WORKER0, req("update", "coordination.k8s.io", "kube-node-lease", "leases", "worker-1", ""))).isEqualTo(Decision.NO_OPINION);
        assertThat(node.authorize(new UserInfo("system:node:worker-0", List.of()), req("watch", "", "", "pods", "", ""))).isEqualTo(Decision.NO_OPINION);

        // once the pod moves away or goes, so does the access
        graph.accept("DELETED", yaml("{metadata: {name: web, namespace: app}, spec: {nodeName: worker-0}}"));
        assertThat(node.authorize(WORKER0, req("get", "", "app", "secrets", "tls", ""))).isEqualTo(Decision.NO_OPINION);
    }

    private static Resource resource(String group, String plural) {
        return BuiltinResources.all(new io.kubej.apiserver.registry.core.service.ServiceStrategy(null, null)).stream()
                .filter(r -> r.group().equals(group) && r.plural().equals(plural)).findFirst().orElseThrow();
    }

    @Test
    void nodeRestrictionKeepsAKubeletToItsOwnObjects() {
        var pods = new java.util.HashMap<String, com.fasterxml.jackson.databind.node.ObjectNode>();
        pods.put("app/here", yaml("{metadata: {name: here, namespace: app}, spec: {nodeName: worker-0}}"));
        pods.put("app/there", yaml("{metadata: {name: there, namespace: app}, spec: {nodeName: worker-1}}"));
        NodeRestriction plugin = new NodeRestriction((ns, name) -> Optional.ofNullable(pods.get(ns + "/" + name)));
        Resource nodes = resource("", "nodes");
        Resource podResource = resource("", "pods");
        Resource leases = resource("coordination.k8s.io", "leases");

        plugin.admit(new Attributes("UPDATE", nodes, "status", null, "worker-0", yaml("{metadata: {name: worker-0}}"),
                yaml("{metadata: {name: worker-0}}"), WORKER0, false));
        assertThatThrownBy(() -> plugin.admit(new Attributes("UPDATE", nodes, "", null, "worker-1", yaml("{metadata: {name: worker-1}}"),
                yaml("{metadata: {name: worker-1}}"), WORKER0, false)))
                .isInstanceOf(StatusError.class).hasMessageContaining("is not allowed to modify node \"worker-1\"");
        assertThatThrownBy(() -> plugin.admit(new Attributes("UPDATE", nodes, "", null, "worker-0",
                yaml("{metadata: {name: worker-0, labels: {node-restriction.kubernetes.io/pci: 'yes'}}}"),
                yaml("{metadata: {name: worker-0}}"), WORKER0, false)))
                .hasMessageContaining("is not allowed to modify labels: node-restriction.kubernetes.io/pci");
        plugin.admit(new Attributes("UPDATE", podResource, "status", "app", "here", yaml("{spec: {nodeName: worker-0}}"),
                pods.get("app/here"), WORKER0, false));
        assertThatThrownBy(() -> plugin.admit(new Attributes("UPDATE", podResource, "status", "app", "there", yaml("{spec: {nodeName: worker-1}}"),
                pods.get("app/there"), WORKER0, false))).hasMessageContaining("can only update pod status for pods with spec.nodeName set to itself");
        assertThatThrownBy(() -> plugin.admit(new Attributes("CREATE", podResource, "", "app", "p", yaml("{metadata: {name: p}, spec: {nodeName: worker-0}}"),
                null, WORKER0, false))).hasMessageContaining("can only create mirror pods");
        assertThatThrownBy(() -> plugin.admit(new Attributes("DELETE", podResource, "", "app", "there", null, null, WORKER0, false)))
                .hasMessageContaining("can only delete pods");
        assertThatThrownBy(() -> plugin.admit(new Attributes("UPDATE", leases, "", "kube-node-lease", "worker-1", yaml("{}"), yaml("{}"), WORKER0, false)))
                .hasMessageContaining("can only access node lease with the same name");
        // anyone else is not this plugin's business
        plugin.admit(new Attributes("UPDATE", nodes, "", null, "worker-1", yaml("{}"), yaml("{}"), new UserInfo("admin", List.of("system:masters")), false));
    }
}
