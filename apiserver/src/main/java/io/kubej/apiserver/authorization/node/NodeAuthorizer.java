package io.kubej.apiserver.authorization.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.authorization.rbac.NodeRules;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * {@code --authorization-mode=Node} (upstream {@code plugin/pkg/auth/authorizer/node}): what a
 * kubelet may read is decided by what runs on it. A node identity is the user
 * {@code system:node:<name>} in the group {@code system:nodes} (the hard way's worker
 * certificates). It may get a Secret, ConfigMap, PVC or PV, or ask a service-account token,
 * only when one of the pods bound to it uses that object; may touch only its own Lease; and
 * otherwise may do what {@link NodeRules} list. Anyone else, and anything not reachable, gets
 * no opinion (RBAC may still allow it).
 */
public final class NodeAuthorizer implements Authorizer, RuleResolver {
    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_USER_PREFIX = "system:node:";

    private final NodeGraph graph;
    /** A PersistentVolumeClaim by namespace and name, to follow a claim to its volume. */
    private final BiFunction<String, String, Optional<ObjectNode>> claims;

    public NodeAuthorizer(NodeGraph graph, BiFunction<String, String, Optional<ObjectNode>> claims) {
        this.graph = graph;
        this.claims = claims;
    }

    /** The node a user is, if it is one. */
    public static Optional<String> nodeName(UserInfo user) {
        if (user == null || !user.inGroup(NODES_GROUP) || !user.name().startsWith(NODE_USER_PREFIX)) {
            return Optional.empty();
        }
        String name = user.name().substring(NODE_USER_PREFIX.length());
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    @Override
    public Decision authorize(UserInfo user, RequestInfo r) {
        Optional<String> node = nodeName(user);
        if (node.isEmpty()) {
            return Decision.NO_OPINION;
        }
        if (r.resourceRequest() && r.group().isEmpty()) {
            switch (r.resource()) {
                case "secrets", "configmaps" -> {
                    return readOf(r) && graph.reaches(node.get(), r.resource(), r.namespace(), r.name()) ? Decision.ALLOW : Decision.NO_OPINION;
                }
                case "persistentvolumeclaims" -> {
                    boolean verbOk = r.subresource().isEmpty() ? r.verb().equals("get")
                            : r.subresource().equals("status") && Set.of("get", "update", "patch").contains(r.verb());
                    return verbOk && graph.reaches(node.get(), r.resource(), r.namespace(), r.name()) ? Decision.ALLOW : Decision.NO_OPINION;
                }
                case "persistentvolumes" -> {
                    return r.verb().equals("get") && reachesVolume(node.get(), r.name()) ? Decision.ALLOW : Decision.NO_OPINION;
                }
                case "serviceaccounts" -> {
                    if (r.subresource().equals("token")) {
                        return r.verb().equals("create") && graph.reaches(node.get(), "serviceaccounts", r.namespace(), r.name())
                                ? Decision.ALLOW : Decision.NO_OPINION;
                    }
                }
                default -> { }
            }
        }
        if (r.resourceRequest() && r.group().equals("coordination.k8s.io") && r.resource().equals("leases")) {
            boolean own = r.namespace().equals("kube-node-lease") && (r.verb().equals("create") || r.name().equals(node.get()));
            return own && Set.of("get", "create", "update", "patch", "delete").contains(r.verb()) ? Decision.ALLOW : Decision.NO_OPINION;
        }
        for (PolicyRule rule : NodeRules.RULES) {
            if (rule.matches(r) && !graphGuarded(r)) {
                return Decision.ALLOW;
            }
        }
        return Decision.NO_OPINION;
    }

    /** Only a single named object (get, or a list or watch narrowed to one name by a field selector). */
    private static boolean readOf(RequestInfo r) {
        return r.subresource().isEmpty() && !r.name().isEmpty() && Set.of("get", "list", "watch").contains(r.verb());
    }

    /** Resources whose access is decided above; NodeRules must not allow them wholesale. */
    private static boolean graphGuarded(RequestInfo r) {
        return r.group().isEmpty() && Set.of("secrets", "configmaps", "persistentvolumeclaims", "persistentvolumes").contains(r.resource())
                || r.group().isEmpty() && r.resource().equals("serviceaccounts") && r.subresource().equals("token");
    }

    private boolean reachesVolume(String node, String volume) {
        for (String claim : graph.claims(node)) {
            String[] nsName = claim.split("/", 2);
            Optional<ObjectNode> pvc = claims.apply(nsName[0], nsName[1]);
            if (pvc.isPresent() && pvc.get().path("spec").path("volumeName").asText().equals(volume)) {
                return true;
            }
        }
        return false;
    }

    /** What a node may do without naming objects; the reachable objects depend on the request, so the list is incomplete. */
    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        if (nodeName(user).isEmpty()) {
            return new Rules(List.of(), List.of(), false);
        }
        return new Rules(NodeRules.RULES.stream().filter(r -> !r.resources().contains("secrets")).toList(), List.of(), true);
    }
}
