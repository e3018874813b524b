package io.kubej.apiserver.endpoints.handlers;

import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PatcherTest {
    static final String POD = """
            {"metadata":{"name":"p","labels":{"a":"1","b":"2"}},
             "spec":{"containers":[{"name":"c1","image":"i1","ports":[{"containerPort":22}]},{"name":"c2","image":"i2"}]}}""";

    static ObjectNode apply(String patch, String type) {
        return Patcher.apply(Json.parse(POD.getBytes(StandardCharsets.UTF_8)), patch.getBytes(StandardCharsets.UTF_8), type,
                PodPatchMeta.POD);
    }

    @Test
    void mergePatchReplacesListsAndNullDeletes() {
        ObjectNode r = apply("{\"metadata\":{\"labels\":{\"a\":null}},\"spec\":{\"containers\":[{\"name\":\"c1\",\"image\":\"x\"}]}}",
                "application/merge-patch+json");
        assertThat(r.path("metadata").path("labels").has("a")).isFalse();
        assertThat(r.path("spec").path("containers").size()).isEqualTo(1);
    }

    @Test
    void strategicMergePatchMergesContainersByName() {
        ObjectNode r = apply("{\"spec\":{\"containers\":[{\"name\":\"c2\",\"image\":\"new\"}]}}",
                "application/strategic-merge-patch+json");
        assertThat(r.path("spec").path("containers").size()).isEqualTo(2);
        assertThat(r.path("spec").path("containers").get(1).path("image").asText()).isEqualTo("new");
        assertThat(r.path("spec").path("containers").get(0).path("ports").size()).isEqualTo(1);
    }

    @Test
    void strategicMergePatchDeleteDirectiveRemovesItem() {
        ObjectNode r = apply("{\"spec\":{\"containers\":[{\"name\":\"c1\",\"$patch\":\"delete\"}]}}",
                "application/strategic-merge-patch+json");
        assertThat(r.path("spec").path("containers").size()).isEqualTo(1);
        assertThat(r.path("spec").path("containers").get(0).path("name").asText()).isEqualTo("c2");
    }

    @Test
    void strategicMergePatchMergesContainerPortsByContainerPort() {
        ObjectNode r = apply("{\"spec\":{\"containers\":[{\"name\":\"c1\",\"ports\":[{\"containerPort\":80}]}]}}",
                "application/strategic-merge-patch+json");
        assertThat(r.path("spec").path("containers").get(0).path("ports").size()).isEqualTo(2);
    }

    @Test
    void aListWithoutMergeKeyIsReplaced() {
        ObjectNode r = apply("{\"spec\":{\"containers\":[{\"name\":\"c1\",\"args\":[\"b\"]}]}}",
                "application/strategic-merge-patch+json");
        ObjectNode again = Patcher.apply(r, "{\"spec\":{\"containers\":[{\"name\":\"c1\",\"args\":[\"c\"]}]}}"
                .getBytes(StandardCharsets.UTF_8), "application/strategic-merge-patch+json", PodPatchMeta.POD);
        assertThat(again.path("spec").path("containers").get(0).path("args").toString()).isEqualTo("[\"c\"]");
    }

    @Test
    void finalizersMergeAsASetAndDeleteFromPrimitiveListRemoves() {
        ObjectNode r = apply("{\"metadata\":{\"finalizers\":[\"a\"]}}", "application/strategic-merge-patch+json");
        r = Patcher.apply(r, "{\"metadata\":{\"finalizers\":[\"b\",\"a\"]}}".getBytes(StandardCharsets.UTF_8),
                "application/strategic-merge-patch+json", PodPatchMeta.POD);
        assertThat(r.path("metadata").path("finalizers").toString()).isEqualTo("[\"a\",\"b\"]");
        r = Patcher.apply(r, "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}".getBytes(StandardCharsets.UTF_8),
                "application/strategic-merge-patch+json", PodPatchMeta.POD);
        assertThat(r.path("metadata").path("finalizers").toString()).isEqualTo("[\"b\"]");
    }

    @Test
    void patchReplaceDirectiveReplacesTheWholeList() {
        ObjectNode r = apply("{\"spec\":{\"containers\":[{\"name\":\"c3\",\"image\":\"i3\"},{\"$patch\":\"replace\"}]}}",
                "application/strategic-merge-patch+json");
        assertThat(r.path("spec").path("containers").size()).isEqualTo(1);
        assertThat(r.path("spec").path("containers").get(0).path("name").asText()).isEqualTo("c3");
    }

    @Test
    void retainKeysDropsFieldsNotListed() {
        ObjectNode r = apply("{\"metadata\":{\"$retainKeys\":[\"name\"]}}", "application/strategic-merge-patch+json");
        assertThat(r.path("metadata").has("labels")).isFalse();
        assertThat(r.path("metadata").path("name").asText()).isEqualTo("p");
    }

    @Test
    void jsonPatchAppliesOperations() {
        ObjectNode r = apply("[{\"op\":\"replace\",\"path\":\"/metadata/labels/b\",\"value\":\"3\"}]", "application/json-patch+json");
        assertThat(r.path("metadata").path("labels").path("b").asText()).isEqualTo("3");
    }
}
