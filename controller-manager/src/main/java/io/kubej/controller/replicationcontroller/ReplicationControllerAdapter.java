package io.kubej.controller.replicationcontroller;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerConditionBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.replicaset.ReplicaSetKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ReplicationController seen as a ReplicaSet, and back (upstream: pkg/controller/replication's
 * conversion.go). The two differ in one field: a ReplicationController's selector is a plain
 * label map, which is a ReplicaSet selector with {@code matchLabels} only. The converted object
 * keeps apiVersion {@code v1} and kind {@code ReplicationController}, so the controllerRef the
 * sync puts on pods, and the Events it records, name the ReplicationController.
 */
public final class ReplicationControllerAdapter implements ReplicaSetKind<ReplicationController> {
    static final String KIND = "ReplicationController";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ReplicaSet toReplicaSet(ReplicationController rc) {
        ReplicationController copy = Serialization.clone(rc);
        var spec = copy.getSpec();
        Map<String, String> selector = spec.getSelector() == null ? Map.of() : spec.getSelector();
        ReplicaSet rs = new ReplicaSetBuilder()
                .withMetadata(copy.getMetadata())
                .withNewSpec()
                    .withReplicas(spec.getReplicas())
                    .withMinReadySeconds(spec.getMinReadySeconds())
                    .withSelector(new LabelSelectorBuilder().withMatchLabels(new HashMap<>(selector)).build())
                    .withTemplate(spec.getTemplate())
                .endSpec()
                .withStatus(copy.getStatus() == null ? null : toReplicaSetStatus(copy.getStatus()))
                .build();
        rs.setApiVersion("v1");
        rs.setKind(KIND);
        return rs;
    }

    /** The ReplicationController {@code rs} was converted from, with {@code rs}'s spec and status. */
    static ReplicationController fromReplicaSet(ReplicaSet rs) {
        ReplicaSet copy = Serialization.clone(rs);
        var spec = copy.getSpec();
        Map<String, String> selector = spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
                ? Map.of() : spec.getSelector().getMatchLabels();
        return new ReplicationControllerBuilder()
                .withMetadata(copy.getMetadata())
                .withNewSpec()
                    .withReplicas(spec.getReplicas())
                    .withMinReadySeconds(spec.getMinReadySeconds())
                    .withSelector(new HashMap<>(selector))
                    .withTemplate(spec.getTemplate())
                .endSpec()
                .withStatus(copy.getStatus() == null ? null : toReplicationControllerStatus(copy.getStatus()))
                .build();
    }

    static ReplicaSetStatus toReplicaSetStatus(ReplicationControllerStatus s) {
        List<ReplicaSetCondition> conditions = s.getConditions() == null ? List.of() : s.getConditions().stream()
                .map(c -> new ReplicaSetConditionBuilder().withType(c.getType()).withStatus(c.getStatus()).withReason(c.getReason())
                        .withMessage(c.getMessage()).withLastTransitionTime(c.getLastTransitionTime()).build())
                .toList();
        return new ReplicaSetStatusBuilder()
                .withReplicas(s.getReplicas())
                .withFullyLabeledReplicas(s.getFullyLabeledReplicas())
                .withReadyReplicas(s.getReadyReplicas())
                .withAvailableReplicas(s.getAvailableReplicas())
                .withObservedGeneration(s.getObservedGeneration())
                .withConditions(conditions)
                .build();
    }

    static ReplicationControllerStatus toReplicationControllerStatus(ReplicaSetStatus s) {
        List<ReplicationControllerCondition> conditions = s.getConditions() == null ? List.of() : s.getConditions().stream()
                .map(c -> new ReplicationControllerConditionBuilder().withType(c.getType()).withStatus(c.getStatus())
                        .withReason(c.getReason()).withMessage(c.getMessage()).withLastTransitionTime(c.getLastTransitionTime()).build())
                .toList();
        return new ReplicationControllerStatusBuilder()
                .withReplicas(s.getReplicas())
                .withFullyLabeledReplicas(s.getFullyLabeledReplicas())
                .withReadyReplicas(s.getReadyReplicas())
                .withAvailableReplicas(s.getAvailableReplicas())
                .withObservedGeneration(s.getObservedGeneration())
                .withConditions(conditions)
                .build();
    }

    @Override
    public ReplicaSet get(KubernetesClient client, String namespace, String name) {
        ReplicationController rc = client.replicationControllers().inNamespace(namespace).withName(name).get();
        return rc == null ? null : toReplicaSet(rc);
    }

    @Override
    public void updateStatus(KubernetesClient client, ReplicaSet rs) {
        client.replicationControllers().inNamespace(rs.getMetadata().getNamespace()).resource(fromReplicaSet(rs)).updateStatus();
    }
}
