package io.kubej.controller.replicationcontroller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.kubej.controller.ControllerRefManager;
import io.kubej.controller.PodControl;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ReplicationController runs through the ReplicaSet sync as a converted ReplicaSet, and its status comes back. */
class ReplicationControllerAdapterTest {
    private final ReplicationControllerAdapter adapter = new ReplicationControllerAdapter();

    private static ReplicationController rc() {
        return new ReplicationControllerBuilder()
                .withNewMetadata().withNamespace("default").withName("web").withUid("rc-uid").withGeneration(3L).endMetadata()
                .withNewSpec().withReplicas(2).withMinReadySeconds(5).withSelector(Map.of("app", "web"))
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    @Test
    void theSelectorMapBecomesMatchLabelsAndTheObjectStillNamesTheReplicationController() {
        ReplicaSet rs = adapter.toReplicaSet(rc());

        assertThat(rs.getSpec().getSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("app", "web"));
        assertThat(rs.getSpec().getReplicas()).isEqualTo(2);
        assertThat(rs.getSpec().getMinReadySeconds()).isEqualTo(5);
        assertThat(rs.getMetadata().getGeneration()).isEqualTo(3L);
        var ref = ControllerRefManager.controllerRef(rs);
        assertThat(ref.getKind()).isEqualTo("ReplicationController");
        assertThat(ref.getApiVersion()).isEqualTo("v1");
        assertThat(ref.getUid()).isEqualTo("rc-uid");
        assertThat(PodControl.podFromTemplate(rs.getSpec().getTemplate(), rs).getMetadata().getOwnerReferences())
                .singleElement().satisfies(r -> assertThat(r.getKind()).isEqualTo("ReplicationController"));
    }

    @Test
    void theStatusTheSyncComputedIsWrittenInTheReplicationControllersForm() {
        ReplicaSet rs = adapter.toReplicaSet(rc());
        rs.setStatus(new ReplicaSetStatusBuilder().withReplicas(2).withReadyReplicas(1).withAvailableReplicas(1)
                .withFullyLabeledReplicas(2).withObservedGeneration(3L)
                .withConditions(new ReplicaSetConditionBuilder().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate").build())
                .build());

        ReplicationController back = ReplicationControllerAdapter.fromReplicaSet(rs);

        assertThat(back.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("app", "web"));
        assertThat(back.getStatus().getReplicas()).isEqualTo(2);
        assertThat(back.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(back.getStatus().getObservedGeneration()).isEqualTo(3L);
        assertThat(back.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("FailedCreate"));
        assertThat(back.getMetadata().getUid()).isEqualTo("rc-uid");
    }

    @Test
    void convertingNeverTouchesTheCachedObject() {
        ReplicationController cached = rc();
        adapter.toReplicaSet(cached).getMetadata().getLabels();
        adapter.toReplicaSet(cached).getSpec().getSelector().getMatchLabels().put("x", "y");

        assertThat(cached.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("app", "web"));
    }
}
