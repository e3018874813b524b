package io.kubej.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;

/**
 * The pods bound to a node, from an index on the shared pod informer (upstream:
 * {@code AddPodNodeNameIndexer} in pkg/controller/controller_utils.go), so that a node's
 * controllers do not walk every pod of the cluster for each node they look at.
 */
final class PodsByNode {
    static final String INDEX = "spec.nodeName";

    private PodsByNode() {
    }

    /** Adds the index once; it must be done before the informer starts. */
    static synchronized void index(SharedIndexInformer<Pod> pods) {
        if (!pods.getIndexer().getIndexers().containsKey(INDEX)) {
            pods.addIndexers(Map.of(INDEX, p -> p.getSpec() == null || p.getSpec().getNodeName() == null
                    ? List.of() : List.of(p.getSpec().getNodeName())));
        }
    }

    static List<Pod> on(SharedIndexInformer<Pod> pods, String nodeName) {
        return pods.getIndexer().byIndex(INDEX, nodeName);
    }
}
