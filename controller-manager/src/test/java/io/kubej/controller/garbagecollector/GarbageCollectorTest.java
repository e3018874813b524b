package io.kubej.controller.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.controller.Pods;
import io.kubej.controller.StubApiServer;
import org.junit.jupiter.api.Test;

/** The garbage collector's sync of a pod whose owner no cache has, against a stub API server. */
class GarbageCollectorTest {

    @Test
    void anOwnerLookupThatFailsIsRetriedAndTheDependentKept() throws Exception {
        try (StubApiServer api = new StubApiServer(403); GarbageCollector gc = collectorWithOrphanPod(api)) {
            assertThatThrownBy(() -> gc.syncHandler("Pod|default/web-1")).isInstanceOf(KubernetesClientException.class);

            assertThat(api.requests()).containsExactly("GET /apis/apps/v1/namespaces/default/replicasets/web");
        }
    }

    @Test
    void aDependentWhoseOwnerIsConfirmedGoneIsDeleted() throws Exception {
        try (StubApiServer api = new StubApiServer(404); GarbageCollector gc = collectorWithOrphanPod(api)) {
            gc.syncHandler("Pod|default/web-1");

            assertThat(api.requests()).containsExactly(
                    "GET /apis/apps/v1/namespaces/default/replicasets/web",
                    "DELETE /api/v1/namespaces/default/pods/web-1");
        }
    }

    /** A GC whose pod cache holds web-1, owned by ReplicaSet web, which no cache has. */
    private static GarbageCollector collectorWithOrphanPod(StubApiServer api) {
        SharedIndexInformer<Pod> pods = api.client().pods().inAnyNamespace().runnableInformer(0);
        SharedIndexInformer<ReplicaSet> replicaSets = api.client().apps().replicaSets().inAnyNamespace().runnableInformer(0);
        GarbageCollector gc = new GarbageCollector(api.client(), pods, replicaSets);
        StubApiServer.cache(pods, Pods.pod("web-1").editMetadata()
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName("web").withUid("rs-uid").withController(true).build())
                .endMetadata().build());
        return gc;
    }
}
