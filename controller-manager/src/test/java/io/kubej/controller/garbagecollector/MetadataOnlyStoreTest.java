package io.kubej.controller.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataOnlyStoreTest {
    @Test
    void keepsWhatTheGraphReadsAndDropsTheRest() {
        GenericKubernetesResource secret = new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("Secret")
                .withNewMetadata().withNamespace("a").withName("s").withUid("uid").withResourceVersion("7")
                    .addToFinalizers("orphan").withDeletionTimestamp("2026-01-01T00:00:00Z")
                    .addNewOwnerReference().withApiVersion("v1").withKind("Pod").withName("p").withUid("pod-uid").endOwnerReference()
                    .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{...}")
                    .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
                .endMetadata()
                .withAdditionalProperties(Map.of("data", Map.of("password", "aGVsbG8=")))
                .build();
        MetadataOnlyStore store = new MetadataOnlyStore();

        store.put(store.getKey(secret), secret);

        GenericKubernetesResource kept = store.get("a/s");
        assertThat(kept.getAdditionalProperties()).isEmpty();
        assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        ObjectMetadata meta = ObjectMetadata.of(kept, "v1", "Secret");
        assertThat(meta.identity()).isEqualTo(new Identity("v1", "Secret", "a", "s", "uid"));
        assertThat(meta.ownerReferences()).singleElement().satisfies(r -> assertThat(r.getUid()).isEqualTo("pod-uid"));
        assertThat(meta.waitingForDependentsOrphaned()).isTrue();
        assertThat(meta.resourceVersion()).isEqualTo("7");
        assertThat(secret.getAdditionalProperties()).as("the informer's object is not changed").containsKey("data");
    }
}
