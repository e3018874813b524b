package io.kubej.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.AuthorizerChain;
import io.kubej.apiserver.authorization.node.NodeAuthorizer;
import io.kubej.apiserver.authorization.node.NodeGraph;
import io.kubej.apiserver.authorization.rbac.BootstrapPolicy;
import io.kubej.apiserver.authorization.rbac.RbacAuthorizer;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubej-bench authorization}: what {@code --authorization-mode=Node,RBAC} costs per
 * request with many RoleBindings, beside the AlwaysAllow floor, in one run. The authorizers
 * are the API server's own, fed fixed sets of objects (the bootstrap policy plus one Role and
 * RoleBinding per namespace) instead of informers, so only the decision is timed.
 */
@Command(name = "authorization", mixinStandardHelpOptions = true,
        description = "Per-request cost of the Node,RBAC authorizers with N RoleBindings, beside AlwaysAllow.")
public final class Authorization implements Callable<Integer> {
    @Option(names = "--bindings", description = "RoleBindings (one per namespace, each to its own user)")
    int bindings = 1000;

    @Option(names = {"-n", "--requests"}, description = "decisions timed per case")
    int requests = 200_000;

    /** The acceptance threshold of the security issue: < 0.2 ms added per request. */
    static final double BUDGET_MICROS = 200;

    record Case(String name, UserInfo user, RequestInfo request) {
    }

    @Override
    public Integer call() {
        List<ObjectNode> roles = new ArrayList<>();
        List<ObjectNode> roleBindings = new ArrayList<>();
        for (int i = 0; i < bindings; i++) {
            roles.add(role("ns" + i));
            roleBindings.add(binding("ns" + i, "user" + i));
        }
        RbacAuthorizer rbac = new RbacAuthorizer(ObjectSource.of(roles), ObjectSource.of(roleBindings),
                ObjectSource.of(BootstrapPolicy.clusterRoles()), ObjectSource.of(BootstrapPolicy.clusterRoleBindings()));
        NodeAuthorizer node = new NodeAuthorizer(new NodeGraph(), (ns, name) -> Optional.empty());
        Authorizer hardWay = new AuthorizerChain(List.of(new AuthorizerChain.Mode("Node", node, node),
                new AuthorizerChain.Mode("RBAC", rbac, rbac)));
        Authorizer allowAll = new AuthorizerChain(List.of(new AuthorizerChain.Mode("AlwaysAllow", Authorizer.alwaysAllow(), null)));

        int mid = bindings / 2;
        List<Case> cases = List.of(
                new Case("user allowed by its RoleBinding", new UserInfo("user" + mid, List.of(UserInfo.ALL_AUTHENTICATED)),
                        req("list", "ns" + mid, "pods")),
                new Case("user denied (no binding there)", new UserInfo("user" + mid, List.of(UserInfo.ALL_AUTHENTICATED)),
                        req("list", "ns" + (mid + 1), "pods")),
                new Case("admin (system:masters)", new UserInfo("admin", List.of("system:masters", UserInfo.ALL_AUTHENTICATED)),
                        req("delete", "ns" + mid, "secrets")),
                new Case("kubelet reading pods (Node)", new UserInfo("system:node:worker-0", List.of("system:nodes", UserInfo.ALL_AUTHENTICATED)),
                        req("watch", "", "pods")));
        System.out.printf("authorization, %d RoleBindings, %d decisions per case (ns per decision)%n", bindings, requests);
        System.out.printf("%-36s %12s %12s %12s%n", "case", "AlwaysAllow", "Node,RBAC", "added");
        boolean withinBudget = true;
        for (Case c : cases) {
            time(allowAll, c, requests); // warm both paths up before timing either
            time(hardWay, c, requests);
            double floor = time(allowAll, c, requests);
            double real = time(hardWay, c, requests);
            System.out.printf("%-36s %12.0f %12.0f %12.0f%n", c.name(), floor, real, real - floor);
            withinBudget &= (real - floor) / 1000 < BUDGET_MICROS;
        }
        System.out.printf("budget: < %.0f µs added per request: %s%n", BUDGET_MICROS, withinBudget ? "met" : "NOT met");
        return withinBudget ? 0 : 1;
    }

    /** Mean nanoseconds per decision. */
    private static double time(Authorizer a, Case c, int n) {
        long start = System.nanoTime();
        int allowed = 0;
        for (int i = 0; i < n; i++) {
            if (a.allows(c.user(), c.request())) {
                allowed++;
            }
        }
        long took = System.nanoTime() - start;
        if (allowed < 0) {
            System.out.println(); // keeps the loop from being optimised away
        }
        return (double) took / n;
    }

    private static RequestInfo req(String verb, String ns, String resource) {
        return new RequestInfo(true, "", "v1", ns, resource, "", "", verb, List.of());
    }

    private static ObjectNode role(String ns) {
        ObjectNode r = Json.object();
        Json.metadata(r).put("name", "reader").put("namespace", ns);
        ObjectNode rule = r.putArray("rules").addObject();
        rule.putArray("apiGroups").add("");
        rule.putArray("resources").add("pods");
        rule.putArray("verbs").add("get").add("list").add("watch");
        return r;
    }

    private static ObjectNode binding(String ns, String user) {
        ObjectNode b = Json.object();
        Json.metadata(b).put("name", "reader").put("namespace", ns);
        b.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", "reader");
        b.putArray("subjects").addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "User").put("name", user);
        return b;
    }
}
