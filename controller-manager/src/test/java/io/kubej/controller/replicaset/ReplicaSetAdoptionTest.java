package io.kubej.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.controller.Pods;
import io.kubej.controller.StubApiServer;
import org.junit.jupiter.api.Test;

/** Adopting an orphan pod, against a stub API server that refuses every write. */
class ReplicaSetAdoptionTest {

    @Test
    void aFailedAdoptionFailsTheSyncInsteadOfCreatingAReplacement() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            SharedIndexInformer<ReplicaSet> replicaSets = api.client().apps().replicaSets().inAnyNamespace().runnableInformer(0);
            SharedIndexInformer<Pod> pods = api.client().pods().inAnyNamespace().runnableInformer(0);
            try (ReplicaSetController rsc = new ReplicaSetController(api.client(), replicaSets, pods)) {
                ReplicaSet web = new ReplicaSetBuilder()
                        .withNewMetadata().withNamespace("default").withName("web").withUid("rs-uid").withGeneration(1L).withResourceVersion("5").endMetadata()
                        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "web").endSelector()
                            .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                            .endTemplate()
                        .endSpec().build();
                StubApiServer.cache(replicaSets, web);
                // before adopting, the controller re-reads its ReplicaSet: it still exists
                api.answer("GET /apis/apps/v1/namespaces/default/replicasets/web", web);
                StubApiServer.cache(pods, Pods.pod("orphan").editMetadata().withResourceVersion("7").endMetadata().build());

                assertThatThrownBy(() -> rsc.syncHandler("default/web")).isInstanceOf(KubernetesClientException.class);

                assertThat(api.requests()).containsExactly(
                        "GET /apis/apps/v1/namespaces/default/replicasets/web", "PUT /api/v1/namespaces/default/pods/orphan");
            }
        }
    }
}
