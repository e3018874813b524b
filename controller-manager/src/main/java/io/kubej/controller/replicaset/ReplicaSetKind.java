package io.kubej.controller.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The kind a {@link ReplicaSetController} runs for. Upstream runs one sync for ReplicaSets and
 * ReplicationControllers (pkg/controller/replication wraps ReplicaSetController with adapters
 * that convert a ReplicationController to a ReplicaSet and back); kubej does the same: the sync
 * sees a ReplicaSet whose apiVersion and kind are those of the object it came from, so the
 * pods' controllerRef and the Events name the real owner.
 *
 * @param <T> the API type the informer holds
 */
public interface ReplicaSetKind<T extends HasMetadata> {
    /** The kind its pods' controllerRef names: ReplicaSet or ReplicationController. */
    String kind();

    /** {@code obj} as a ReplicaSet for the sync (a copy: never a cached object). */
    ReplicaSet toReplicaSet(T obj);

    /** The object read live from the API server, converted, or null if it is gone. */
    ReplicaSet get(KubernetesClient client, String namespace, String name);

    /** Writes {@code rs}'s status to the status subresource of the object it came from. */
    void updateStatus(KubernetesClient client, ReplicaSet rs);

    /** ReplicaSets themselves: nothing to convert. */
    ReplicaSetKind<ReplicaSet> REPLICA_SET = new ReplicaSetKind<>() {
        @Override
        public String kind() {
            return "ReplicaSet";
        }

        @Override
        public ReplicaSet toReplicaSet(ReplicaSet rs) {
            return io.fabric8.kubernetes.client.utils.Serialization.clone(rs);
        }

        @Override
        public ReplicaSet get(KubernetesClient client, String namespace, String name) {
            return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
        }

        @Override
        public void updateStatus(KubernetesClient client, ReplicaSet rs) {
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).updateStatus();
        }
    };
}
