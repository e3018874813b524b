package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The claiming rules every workload controller shares, against a stub API server. */
class ControllerRefManagerTest {
    private static final String RS_PATH = "/apis/apps/v1/namespaces/default/replicasets/web";

    private static ReplicaSetBuilder web() {
        return new ReplicaSetBuilder()
                .withNewMetadata().withNamespace("default").withName("web").withUid("rs-uid").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec();
    }

    private static Pod ownedBy(String name, String uid, String app) {
        return Pods.pod(name).editMetadata().addToLabels("app", app).withResourceVersion("7")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("x").withUid(uid)
                .withController(true).endOwnerReference().endMetadata().build();
    }

    private static List<Pod> claim(StubApiServer api, ReplicaSet rs, List<Pod> pods) {
        return new ControllerRefManager<Pod>(api.client(), rs, rs.getSpec().getSelector(),
                () -> api.client().apps().replicaSets().inNamespace("default").withName("web").get()).claim(pods);
    }

    @Test
    void ownedAndSelectedObjectsAreClaimedWithoutAnyWrite() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            List<Pod> owned = claim(api, web().build(), List.of(ownedBy("a", "rs-uid", "web"), ownedBy("b", "other-uid", "web")));

            assertThat(owned).extracting(p -> p.getMetadata().getName()).containsExactly("a");
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void anOrphanTheSelectorMatchesIsAdoptedAfterTheOwnerIsReadFresh() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            ReplicaSet rs = web().build();
            Pod orphan = Pods.pod("orphan").editMetadata().withResourceVersion("7").endMetadata().build();
            api.answer("GET " + RS_PATH, rs).answer("PUT /api/v1/namespaces/default/pods/orphan", orphan);

            List<Pod> owned = claim(api, rs, List.of(orphan, Pods.pod("other").editMetadata().addToLabels("app", "db").endMetadata().build()));

            assertThat(owned).extracting(p -> p.getMetadata().getName()).containsExactly("orphan");
            assertThat(api.requests()).containsExactly("GET " + RS_PATH, "PUT /api/v1/namespaces/default/pods/orphan");
        }
    }

    @Test
    void anOwnedObjectNoLongerSelectedIsReleased() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            Pod moved = ownedBy("moved", "rs-uid", "db");
            api.answer("PUT /api/v1/namespaces/default/pods/moved", moved);

            assertThat(claim(api, web().build(), List.of(moved))).isEmpty();
            assertThat(api.requests()).containsExactly("PUT /api/v1/namespaces/default/pods/moved");
        }
    }

    @Test
    void anOwnerBeingDeletedNeitherAdoptsNorReleases() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            ReplicaSet deleting = web().editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();

            List<Pod> owned = claim(api, deleting, List.of(Pods.pod("orphan").build(), ownedBy("moved", "rs-uid", "db")));

            assertThat(owned).isEmpty();
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void anOrphanBeingDeletedOrInAnotherNamespaceIsNotAdopted() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            Pod terminating = Pods.pod("t").editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
            Pod elsewhere = Pods.pod("e").editMetadata().withNamespace("other").endMetadata().build();

            assertThat(claim(api, web().build(), List.of(terminating, elsewhere))).isEmpty();
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void noAdoptionForAnOwnerThatWasReplacedUnderTheSameName() throws Exception {
        try (StubApiServer api = new StubApiServer(500)) {
            api.answer("GET " + RS_PATH, web().editMetadata().withUid("new-uid").endMetadata().build());

            assertThatThrownBy(() -> claim(api, web().build(), List.of(Pods.pod("orphan").build())))
                    .hasMessageContaining("is gone");
            assertThat(api.requests()).containsExactly("GET " + RS_PATH);
        }
    }

    @Test
    void theControllerRefNamesTheOwnerAndBlocksItsDeletion() {
        var ref = ControllerRefManager.controllerRef(web().build());

        assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
        assertThat(ref.getKind()).isEqualTo("ReplicaSet");
        assertThat(ref.getUid()).isEqualTo("rs-uid");
        assertThat(ref.getController()).isTrue();
        assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
}
