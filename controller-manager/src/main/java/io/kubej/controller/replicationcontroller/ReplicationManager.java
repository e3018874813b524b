package io.kubej.controller.replicationcontroller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.controller.replicaset.ReplicaSetController;

/**
 * Keeps {@code spec.replicas} pods running for each ReplicationController, the ReplicaSet's
 * predecessor (upstream: pkg/controller/replication, whose ReplicationManager is the ReplicaSet
 * controller run over conversion adapters). The sync is {@link ReplicaSetController}'s; only
 * the kind differs ({@link ReplicationControllerAdapter}).
 */
public final class ReplicationManager {
    /** Upstream's controller name, as {@code --controllers} lists it. */
    public static final String NAME = "replicationcontroller-controller";
    /** The Events' source component, as upstream's replication manager records them. */
    static final String EVENT_SOURCE = "replication-controller";

    private ReplicationManager() {
    }

    public static ReplicaSetController newController(KubernetesClient client, SharedIndexInformer<ReplicationController> rcInformer,
                                                     SharedIndexInformer<Pod> podInformer) {
        return new ReplicaSetController(NAME, EVENT_SOURCE, new ReplicationControllerAdapter(), client, rcInformer, podInformer);
    }
}
