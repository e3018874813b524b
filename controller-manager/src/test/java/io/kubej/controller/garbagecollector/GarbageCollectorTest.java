package io.kubej.controller.garbagecollector;

import static io.kubej.controller.garbagecollector.FakeMetadataClient.deleting;
import static io.kubej.controller.garbagecollector.FakeMetadataClient.object;
import static io.kubej.controller.garbagecollector.FakeMetadataClient.ref;
import static io.kubej.controller.garbagecollector.Queues.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The collector's workers: what they ask the API server and what they write, given the graph. */
class GarbageCollectorTest {
    private final FakeMetadataClient api = new FakeMetadataClient();
    private final GarbageCollector gc = new GarbageCollector(api, (dependent, ref) -> { });

    @AfterEach
    void close() {
        gc.close();
    }

    /** Feeds informer events to the graph, as the monitors would. */
    private void observe(ObjectMetadata... objects) {
        for (ObjectMetadata o : objects) {
            api.put(o);
            gc.graphBuilder().processGraphChange(GraphEvent.add(o));
        }
    }

    private void change(ObjectMetadata before, ObjectMetadata after) {
        api.put(after);
        gc.graphBuilder().processGraphChange(GraphEvent.update(before, after));
    }

    @Test
    void aDependentWhoseOwnerIsConfirmedGoneIsDeletedInTheBackground() {
        observe(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)));

        assertThat(gc.attemptToDeleteWorker("pod-uid")).isEqualTo(GarbageCollector.Action.FORGET);

        assertThat(api.writes).containsExactly("DELETE Pod a/web-1 Background");
    }

    @Test
    void anOwnerLookupThatFailsIsRetriedAndTheDependentKept() {
        observe(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)));
        api.failGets = new KubernetesClientException("forbidden", 403, null);

        assertThat(gc.attemptToDeleteWorker("pod-uid")).isEqualTo(GarbageCollector.Action.REQUEUE);

        assertThat(api.writes).isEmpty();
    }

    @Test
    void aDependentWithAnOwnerAliveOnlyLosesItsReferenceToTheGoneOne() {
        observe(object("ReplicaSet", "a", "alive", "alive-uid"),
                object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "alive", "alive-uid", false), ref("ReplicaSet", "gone", "gone-uid", true)));

        gc.attemptToDeleteWorker("pod-uid");

        assertThat(api.writes).singleElement().satisfies(w -> {
            assertThat(w).startsWith("PATCH Pod a/web-1 ");
            assertThat(w).contains("alive-uid").doesNotContain("gone-uid").contains("\"resourceVersion\":\"1\"");
        });
    }

    @Test
    void aDependentOfAnOwnerDeletedInTheForegroundIsDeletedInTheForeground() {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        var deploymentLike = object("ReplicaSet", "a", "web-1", "child-uid", ref("ReplicaSet", "web", "rs-uid", true));
        observe(rs, deploymentLike, object("Pod", "a", "pod", "pod-uid", ref("ReplicaSet", "web-1", "child-uid", true)));
        change(rs, deleting(rs, "foregroundDeletion"));

        gc.attemptToDeleteWorker("child-uid");

        assertThat(api.writes).containsExactly("DELETE ReplicaSet a/web-1 Foreground");
    }

    @Test
    void aLeafDependentOfAForegroundOwnerIsDeletedInTheBackground() {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        observe(rs, object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)));
        change(rs, deleting(rs, "foregroundDeletion"));

        gc.attemptToDeleteWorker("pod-uid");

        // no dependents of its own: nothing to wait for, so it goes at once
        assertThat(api.writes).containsExactly("DELETE Pod a/web-1 Background");
    }

    @Test
    void theForegroundFinalizerStaysWhileABlockingDependentRemainsAndGoesAfter() throws Exception {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        var pod = object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true));
        observe(rs, pod);
        change(rs, deleting(rs, "foregroundDeletion"));
        drain(gc.attemptToDeleteQueue());

        gc.attemptToDeleteWorker("rs-uid");
        assertThat(api.writes).isEmpty();
        assertThat(drain(gc.attemptToDeleteQueue())).as("the blocking dependent is pushed").containsExactly("pod-uid");

        gc.graphBuilder().processGraphChange(GraphEvent.delete(pod));
        gc.attemptToDeleteWorker("rs-uid");
        assertThat(api.writes).singleElement().satisfies(w -> assertThat(w)
                .startsWith("PATCH ReplicaSet a/web ").contains("\"finalizers\":[]"));
    }

    @Test
    void aNonBlockingDependentDoesNotHoldTheForegroundOwner() {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        observe(rs, object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", false)));
        change(rs, deleting(rs, "foregroundDeletion"));

        gc.attemptToDeleteWorker("rs-uid");

        assertThat(api.writes).singleElement().satisfies(w -> assertThat(w).startsWith("PATCH ReplicaSet a/web "));
    }

    @Test
    void aDependencyCycleUnderForegroundDeletionIsUnblockedThenDeleted() {
        // pod1 <- pod2 <- pod3 <- pod1 (each owned by the previous), pod1 deleted in the foreground
        var pod1 = object("Pod", "a", "pod1", "uid-1", ref("Pod", "pod3", "uid-3", true));
        var pod2 = object("Pod", "a", "pod2", "uid-2", ref("Pod", "pod1", "uid-1", true));
        var pod3 = object("Pod", "a", "pod3", "uid-3", ref("Pod", "pod2", "uid-2", true));
        observe(pod1, pod2, pod3);
        change(pod1, deleting(pod1, "foregroundDeletion"));
        change(pod2, deleting(pod2, "foregroundDeletion"));

        // pod3: its owner pod2 waits for it, and its dependent pod1 waits too
        gc.attemptToDeleteWorker("uid-3");

        assertThat(api.writes).hasSize(2);
        assertThat(api.writes.get(0)).startsWith("PATCH Pod a/pod3 ").contains("\"blockOwnerDeletion\":false");
        assertThat(api.writes.get(1)).isEqualTo("DELETE Pod a/pod3 Foreground");
    }

    @Test
    void aDependentsOwnFinalizersChooseItsPropagation() {
        observe(deleting(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)), "orphan"));
        // being deleted already: nothing to do
        gc.attemptToDeleteWorker("pod-uid");
        assertThat(api.writes).isEmpty();

        var orphaning = new ObjectMetadata(new Identity("v1", "ConfigMap", "a", "cm", "cm-uid"),
                java.util.List.of(ref("ReplicaSet", "web", "rs-uid", true)), false, java.util.List.of("orphan"), "3");
        observe(orphaning);
        gc.attemptToDeleteWorker("cm-uid");
        assertThat(api.writes).containsExactly("DELETE ConfigMap a/cm Orphan");
    }

    @Test
    void anAssumedOwnerThatDoesNotExistBecomesAVirtualDeleteAndItsDependentIsCollected() throws Exception {
        observe(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)));
        drain(gc.attemptToDeleteQueue());

        assertThat(gc.attemptToDeleteWorker("rs-uid")).isEqualTo(GarbageCollector.Action.FORGET);
        // the graph builder's thread is not running here: apply the virtual delete by hand
        gc.graphBuilder().processGraphChange(GraphEvent.virtualDelete(new Identity("apps/v1", "ReplicaSet", "a", "web", "rs-uid")));

        assertThat(gc.graph().read("rs-uid")).isNull();
        assertThat(drain(gc.attemptToDeleteQueue())).containsExactly("pod-uid");
    }

    @Test
    void anAssumedOwnerThatExistsIsCheckedAgainUntilAnInformerShowsIt() {
        observe(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true)));
        api.put(object("ReplicaSet", "a", "web", "rs-uid"));

        assertThat(gc.attemptToDeleteWorker("rs-uid")).isEqualTo(GarbageCollector.Action.REQUEUE);
        assertThat(api.writes).isEmpty();
    }

    @Test
    void aReferenceToANamespacedOwnerInAnotherNamespaceIsDangling() {
        observe(object("ConfigMap", "b", "settings", "cm-uid"),
                object("Pod", "a", "web-1", "pod-uid", ref("ConfigMap", "settings", "cm-uid", false)));

        gc.attemptToDeleteWorker("pod-uid");

        assertThat(api.writes).containsExactly("DELETE Pod a/web-1 Background");
    }

    @Test
    void aClusterScopedOwnerIsLookedUpOutsideTheDependentsNamespace() {
        observe(object("Namespace", "", "team", "ns-uid"),
                object("ConfigMap", "a", "settings", "cm-uid", ref("Namespace", "team", "ns-uid", false)));

        gc.attemptToDeleteWorker("cm-uid");

        assertThat(api.writes).isEmpty();
    }

    @Test
    void orphaningStripsTheOwnerFromEveryDependentThenRemovesTheOrphanFinalizer() {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        observe(rs, object("Pod", "a", "web-1", "p1", ref("ReplicaSet", "web", "rs-uid", true)),
                object("Pod", "a", "web-2", "p2", ref("ReplicaSet", "web", "rs-uid", true)));
        change(rs, deleting(rs, "orphan"));

        assertThat(gc.attemptToOrphanWorker("rs-uid")).isEqualTo(GarbageCollector.Action.FORGET);

        assertThat(api.writes).hasSize(3);
        assertThat(api.writes.subList(0, 2)).allSatisfy(w -> assertThat(w).startsWith("PATCH Pod a/web-").contains("\"ownerReferences\":null"));
        assertThat(api.writes.get(2)).startsWith("PATCH ReplicaSet a/web ").contains("\"finalizers\":[]");
    }
}
