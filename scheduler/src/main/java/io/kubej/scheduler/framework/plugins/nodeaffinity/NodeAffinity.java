package io.kubej.scheduler.framework.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.FilterPlugin;
import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Status;
import java.util.List;
import java.util.Map;

/**
 * NodeAffinity (upstream: plugins/nodeaffinity): the pod's {@code spec.nodeSelector} must match
 * the node's labels, and so must one of the terms of
 * {@code affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution} (terms are ORed,
 * expressions in a term ANDed). Preferred affinity is a scoring matter, not done yet.
 */
public final class NodeAffinity implements FilterPlugin {
    public static final String NAME = "NodeAffinity";
    static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Map<String, String> labels = node.node().getMetadata().getLabels() == null ? Map.of() : node.node().getMetadata().getLabels();
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null && !selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return Status.unresolvable(NAME, REASON);
        }
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return Status.success();
        }
        List<NodeSelectorTerm> terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        if (terms == null || terms.isEmpty() || terms.stream().anyMatch(t -> matches(t, labels, node.name()))) {
            return Status.success();
        }
        return Status.unresolvable(NAME, REASON);
    }

    static boolean matches(NodeSelectorTerm term, Map<String, String> labels, String nodeName) {
        List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
        List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false; // an empty term matches nothing
        }
        // the only field upstream supports is metadata.name
        boolean fieldsOk = fields.stream().allMatch(r -> "metadata.name".equals(r.getKey())
                && matches(r, Map.of("metadata.name", nodeName)));
        return fieldsOk && exprs.stream().allMatch(r -> matches(r, labels));
    }

    static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
        String v = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> v != null && values.contains(v);
            case "NotIn" -> v == null || !values.contains(v);
            case "Exists" -> v != null;
            case "DoesNotExist" -> v == null;
            case "Gt", "Lt" -> {
                try {
                    long have = Long.parseLong(v);
                    long want = Long.parseLong(values.get(0));
                    yield "Gt".equals(r.getOperator()) ? have > want : have < want;
                } catch (RuntimeException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }
}
