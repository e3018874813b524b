package io.kubej.controller.garbagecollector;

import static io.kubej.controller.garbagecollector.FakeMetadataClient.deleting;
import static io.kubej.controller.garbagecollector.FakeMetadataClient.object;
import static io.kubej.controller.garbagecollector.FakeMetadataClient.ref;
import static io.kubej.controller.garbagecollector.Queues.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kubej.client.workqueue.WorkQueue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How informer events change the graph and what they put on the collector's queues. */
class GraphBuilderTest {
    private final Graph graph = new Graph();
    private final WorkQueue attemptToDelete = new WorkQueue("test-delete");
    private final WorkQueue attemptToOrphan = new WorkQueue("test-orphan");
    private final ReferenceCache absent = new ReferenceCache(10);
    private final List<String> invalid = new CopyOnWriteArrayList<>();
    private final GraphBuilder builder = new GraphBuilder(graph, attemptToDelete, attemptToOrphan, absent,
            (dependent, ownerRef) -> invalid.add(dependent.name() + "->" + ownerRef.getName()));

    @AfterEach
    void close() {
        attemptToDelete.close();
        attemptToOrphan.close();
    }

    @Test
    void aDependentNamingAnUnseenOwnerCreatesAVirtualOwnerThatAWorkerMustVerify() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true))));

        Node owner = graph.read("rs-uid");
        assertThat(owner.isObserved()).isFalse();
        assertThat(owner.identity()).isEqualTo(new Identity("apps/v1", "ReplicaSet", "a", "web", "rs-uid"));
        assertThat(owner.dependents()).extracting(Node::uid).containsExactly("pod-uid");
        assertThat(drain(attemptToDelete)).containsExactly("rs-uid");
    }

    @Test
    void theOwnerSeenLaterReplacesTheVirtualNodeAndKeepsItsDependents() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true))));
        builder.processGraphChange(GraphEvent.add(object("ReplicaSet", "a", "web", "rs-uid")));

        Node owner = graph.read("rs-uid");
        assertThat(owner.isObserved()).isTrue();
        assertThat(owner.dependents()).extracting(Node::uid).containsExactly("pod-uid");
    }

    @Test
    void deletingAnOwnerQueuesItsDependentsAndRemembersItAbsent() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("ReplicaSet", "a", "web", "rs-uid")));
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "web", "rs-uid", true))));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.delete(object("ReplicaSet", "a", "web", "rs-uid")));

        assertThat(graph.read("rs-uid")).isNull();
        assertThat(drain(attemptToDelete)).containsExactly("pod-uid");
        assertThat(absent.has(new Identity("apps/v1", "ReplicaSet", "a", "web", "rs-uid"))).isTrue();
    }

    @Test
    void foregroundDeletionQueuesTheOwnerAndEveryDependent() throws Exception {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        builder.processGraphChange(GraphEvent.add(rs));
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-1", ref("ReplicaSet", "web", "rs-uid", true))));
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-2", "pod-2", ref("ReplicaSet", "web", "rs-uid", false))));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.update(rs, deleting(rs, "foregroundDeletion")));

        assertThat(graph.read("rs-uid").isDeletingDependents()).isTrue();
        assertThat(drain(attemptToDelete)).containsExactlyInAnyOrder("pod-1", "pod-2", "rs-uid");
        assertThat(graph.read("rs-uid").blockingDependents()).extracting(Node::uid).containsExactly("pod-1");
    }

    @Test
    void orphanDeletionQueuesTheOwnerForOrphaningOnlyOnce() throws Exception {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        builder.processGraphChange(GraphEvent.add(rs));
        var marked = deleting(rs, "orphan");

        builder.processGraphChange(GraphEvent.update(rs, marked));
        assertThat(drain(attemptToOrphan)).containsExactly("rs-uid");
        builder.processGraphChange(GraphEvent.update(marked, marked)); // a resync: no new transition
        assertThat(drain(attemptToOrphan)).isEmpty();
    }

    @Test
    void droppingABlockingReferenceLetsTheForegroundOwnerBeLookedAtAgain() throws Exception {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        builder.processGraphChange(GraphEvent.add(rs));
        var pod = object("Pod", "a", "web-1", "pod-1", ref("ReplicaSet", "web", "rs-uid", true));
        builder.processGraphChange(GraphEvent.add(pod));
        builder.processGraphChange(GraphEvent.update(rs, deleting(rs, "foregroundDeletion")));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.update(pod, object("Pod", "a", "web-1", "pod-1", ref("ReplicaSet", "web", "rs-uid", false))));

        assertThat(drain(attemptToDelete)).containsExactly("rs-uid");
        assertThat(graph.read("rs-uid").blockingDependents()).isEmpty();
    }

    @Test
    void aDeletedDependentLetsItsForegroundOwnerFinish() throws Exception {
        var rs = object("ReplicaSet", "a", "web", "rs-uid");
        builder.processGraphChange(GraphEvent.add(rs));
        var pod = object("Pod", "a", "web-1", "pod-1", ref("ReplicaSet", "web", "rs-uid", true));
        builder.processGraphChange(GraphEvent.add(pod));
        builder.processGraphChange(GraphEvent.update(rs, deleting(rs, "foregroundDeletion")));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.delete(pod));

        assertThat(drain(attemptToDelete)).containsExactly("rs-uid");
        assertThat(graph.read("rs-uid").dependents()).isEmpty();
    }

    @Test
    void aNamespacedOwnerInAnotherNamespaceIsReportedAndItsDependentChecked() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("ConfigMap", "b", "settings", "cm-uid")));

        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("ConfigMap", "settings", "cm-uid", false))));

        assertThat(invalid).containsExactly("web-1->settings");
        assertThat(drain(attemptToDelete)).containsExactly("pod-uid");
    }

    @Test
    void anOwnerSeenInAnotherNamespaceAfterItsDependentIsReportedToo() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("ConfigMap", "settings", "cm-uid", false))));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.add(object("ConfigMap", "b", "settings", "cm-uid")));

        assertThat(invalid).containsExactly("web-1->settings");
        assertThat(drain(attemptToDelete)).containsExactly("pod-uid");
    }

    @Test
    void aClusterScopedOwnerOfANamespacedDependentIsValid() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("Namespace", "", "team", "ns-uid")));

        builder.processGraphChange(GraphEvent.add(object("ConfigMap", "a", "settings", "cm-uid", ref("Namespace", "team", "ns-uid", false))));

        assertThat(invalid).isEmpty();
        assertThat(drain(attemptToDelete)).isEmpty();
        assertThat(graph.read("ns-uid").dependents()).extracting(Node::uid).containsExactly("cm-uid");
    }

    @Test
    void aVirtualDeleteRemovesTheAssumedOwnerAndQueuesItsDependents() throws Exception {
        OwnerReference gone = ref("ReplicaSet", "web", "rs-uid", true);
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", gone)));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.virtualDelete(Identity.ofOwner(gone, "a")));

        assertThat(graph.read("rs-uid")).isNull();
        assertThat(drain(attemptToDelete)).containsExactly("pod-uid");
    }

    @Test
    void aVirtualDeleteOfOtherCoordinatesNeverRemovesAnObservedNode() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("ReplicaSet", "a", "web", "rs-uid")));
        // a dependent that names the same uid as a Pod
        builder.processGraphChange(GraphEvent.add(object("Pod", "a", "web-1", "pod-uid", ref("Pod", "web", "rs-uid", true))));
        drain(attemptToDelete);

        builder.processGraphChange(GraphEvent.virtualDelete(new Identity("v1", "Pod", "a", "web", "rs-uid")));

        assertThat(graph.read("rs-uid").isObserved()).isTrue();
        assertThat(drain(attemptToDelete)).containsExactly("pod-uid");
    }

    @Test
    void ownerReferenceChangesMoveTheDependentBetweenOwners() throws Exception {
        builder.processGraphChange(GraphEvent.add(object("ReplicaSet", "a", "old", "old-uid")));
        builder.processGraphChange(GraphEvent.add(object("ReplicaSet", "a", "new", "new-uid")));
        var pod = object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "old", "old-uid", true));
        builder.processGraphChange(GraphEvent.add(pod));

        builder.processGraphChange(GraphEvent.update(pod, object("Pod", "a", "web-1", "pod-uid", ref("ReplicaSet", "new", "new-uid", true))));

        assertThat(graph.read("old-uid").dependents()).isEmpty();
        assertThat(graph.read("new-uid").dependents()).extracting(Node::uid).containsExactly("pod-uid");
    }
}
