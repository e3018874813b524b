package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authorization.node.NodeAuthorizer;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The NodeRestriction admission plugin (upstream {@code plugin/pkg/admission/noderestriction}):
 * the Node authorizer lets a kubelet write Nodes, pods' status and Leases; this plugin narrows
 * that to its own. A kubelet may change only its own Node (and never set labels under
 * {@code node-restriction.kubernetes.io/}, which administrators use to steer workloads to
 * trusted nodes), only the status of and evictions for pods bound to it, create only mirror
 * pods bound to it, use only its own Lease, and ask tokens only for pods bound to it.
 */
public final class NodeRestriction implements AdmissionPlugin {
    static final String RESTRICTED_LABEL_PREFIX = "node-restriction.kubernetes.io/";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    private final BiFunction<String, String, Optional<ObjectNode>> pods;

    /** @param pods reads a pod by namespace and name */
    public NodeRestriction(BiFunction<String, String, Optional<ObjectNode>> pods) {
        this.pods = pods;
    }

    @Override
    public void admit(Attributes a) {
        Optional<String> node = NodeAuthorizer.nodeName(a.user());
        if (node.isEmpty()) {
            return;
        }
        String group = a.resource().group();
        String resource = a.resource().plural();
        if (group.isEmpty() && resource.equals("nodes")) {
            admitNode(node.get(), a);
        } else if (group.isEmpty() && resource.equals("pods")) {
            admitPod(node.get(), a);
        } else if (group.equals("coordination.k8s.io") && resource.equals("leases")) {
            if (!a.name().equals(node.get()) || !"kube-node-lease".equals(a.namespace())) {
                throw forbidden(a, "node \"" + node.get() + "\" can only access node lease with the same name as the requesting node");
            }
        } else if (group.isEmpty() && resource.equals("serviceaccounts") && a.subresource().equals("token")) {
            admitToken(node.get(), a);
        }
    }

    private void admitNode(String node, Attributes a) {
        if (!a.name().equals(node)) {
            throw forbidden(a, "node \"" + node + "\" is not allowed to modify node \"" + a.name() + "\"");
        }
        if (a.object() == null) {
            return;
        }
        Set<String> changed = restrictedLabelsChanged(a.object().path("metadata").path("labels"),
                a.oldObject() == null ? null : a.oldObject().path("metadata").path("labels"));
        if (!changed.isEmpty()) {
            throw forbidden(a, "is not allowed to modify labels: " + String.join(", ", new java.util.TreeSet<>(changed)));
        }
    }

    private void admitPod(String node, Attributes a) {
        switch (a.subresource()) {
            case "" -> {
                switch (a.operation()) {
                    case "CREATE" -> {
                        ObjectNode pod = a.object();
                        if (!pod.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
                            throw forbidden(a, "pod does not have \"" + MIRROR_ANNOTATION + "\" annotation, node \"" + node
                                    + "\" can only create mirror pods");
                        }
                        if (!pod.path("spec").path("nodeName").asText().equals(node)) {
                            throw forbidden(a, "node \"" + node + "\" can only create pods with spec.nodeName set to itself");
                        }
                    }
                    case "DELETE" -> requireBoundHere(node, a, "delete pods");
                    default -> throw forbidden(a, "node \"" + node + "\" can only update pod status");
                }
            }
            case "status" -> requireBoundHere(node, a, "update pod status for pods");
            case "eviction" -> requireBoundHere(node, a, "evict pods");
            default -> throw forbidden(a, "unexpected operation on pods/" + a.subresource());
        }
    }

    private void requireBoundHere(String node, Attributes a, String what) {
        JsonNode pod = a.oldObject() != null ? a.oldObject() : pods.apply(a.namespace(), a.name()).orElse(null);
        if (pod == null) {
            return; // nothing to act on: the request itself answers 404
        }
        if (!pod.path("spec").path("nodeName").asText().equals(node)) {
            throw forbidden(a, "node \"" + node + "\" can only " + what + " with spec.nodeName set to itself");
        }
    }

    private void admitToken(String node, Attributes a) {
        JsonNode ref = a.object() == null ? null : a.object().path("spec").path("boundObjectRef");
        if (ref == null || !ref.path("kind").asText().equals("Pod")) {
            throw forbidden(a, "node requested token not bound to a pod");
        }
        Optional<ObjectNode> pod = pods.apply(a.namespace(), ref.path("name").asText());
        if (pod.isEmpty()) {
            throw forbidden(a, "node requested token bound to a pod that does not exist");
        }
        if (!pod.get().path("spec").path("nodeName").asText().equals(node)) {
            throw forbidden(a, "node requested token bound to a pod scheduled on a different node");
        }
    }

    /** Labels under the restricted prefix that the update adds, changes or removes. */
    static Set<String> restrictedLabelsChanged(JsonNode labels, JsonNode oldLabels) {
        Set<String> changed = new HashSet<>();
        collect(labels, oldLabels, changed);
        collect(oldLabels, labels, changed);
        return changed;
    }

    private static void collect(JsonNode from, JsonNode other, Set<String> changed) {
        if (from == null || !from.isObject()) {
            return;
        }
        for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith(RESTRICTED_LABEL_PREFIX) && (other == null || !from.get(key).equals(other.get(key)))) {
                changed.add(key);
            }
        }
    }

    private static StatusError forbidden(Attributes a, String why) {
        return StatusError.forbiddenOn(a.resource().group(), a.resource().plural(), a.name(), why);
    }
}
