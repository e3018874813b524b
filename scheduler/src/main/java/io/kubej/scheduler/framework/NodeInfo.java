package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * One node as a scheduling cycle sees it: the Node, the pods on it (bound or assumed), and the
 * sums of their requests (upstream: framework.NodeInfo). Immutable: the cache hands each cycle
 * a snapshot, so a cycle never sees a half-applied change.
 *
 * @param requested the sum of the pods' requests (for filtering)
 * @param nonZeroRequested the same with default requests for request-less containers (for scoring)
 */
public record NodeInfo(Node node, List<Pod> pods, Resource requested, Resource nonZeroRequested) {
    public String name() {
        return node.getMetadata().getName();
    }

    public Resource allocatable() {
        return Resource.allocatable(node);
    }
}
