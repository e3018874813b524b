package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectFieldsTest {
    static JsonNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAppliersFieldsFollowTheListTypes() {
        FieldSet s = ObjectFields.of(json("""
                {"metadata":{"finalizers":["a"]},
                 "spec":{"selector":{"matchLabels":{"app":"w"}},
                   "template":{"spec":{"containers":[{"name":"c","args":["x"],"ports":[{"containerPort":80}]}]}}}}"""),
                PodPatchMeta.WORKLOAD);
        assertThat(s.toFieldsV1().toString()).isEqualTo("{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\"\":{}}},"
                + "\"f:spec\":{\"f:selector\":{},\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},"
                + "\"f:args\":{},\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
                + "\"f:containerPort\":{}}}}}}}}}");
    }

    @Test
    void aComparisonSeesAddedModifiedAndRemovedFieldsAndNewContainers() {
        ObjectFields.Comparison c = ObjectFields.compare(
                json("{\"metadata\":{},\"spec\":{\"replicas\":1,\"paused\":true}}"),
                json("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"replicas\":2}}"), PodPatchMeta.WORKLOAD);
        assertThat(c.added().members()).containsExactly(List.of("f:metadata", "f:labels"), List.of("f:metadata", "f:labels", "f:a"));
        assertThat(c.modified().members()).containsExactly(List.of("f:spec", "f:replicas"));
        assertThat(c.removed().members()).containsExactly(List.of("f:spec", "f:paused"));
    }

    @Test
    void mapListItemsCompareByKeyNotPosition() {
        ObjectFields.Comparison c = ObjectFields.compare(
                json("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"1\"},{\"name\":\"b\",\"image\":\"1\"}]}}"),
                json("{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"2\"},{\"name\":\"a\",\"image\":\"1\"}]}}"),
                PodPatchMeta.POD);
        assertThat(c.added().isEmpty()).isTrue();
        assertThat(c.modified().members()).containsExactly(List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}", "f:image"));
    }
}
