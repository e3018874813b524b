package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeTest {
    static JsonNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    static final String LIVE = """
            {"metadata":{"finalizers":["a"],"labels":{"x":"1"}},
             "spec":{"nodeSelector":{"disk":"ssd","zone":"z1"},
               "containers":[{"name":"c","image":"i1","args":["1","2"],
                 "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":53,"protocol":"UDP"}]}]}}""";

    @Test
    void mapListsMergeByKeysSetsUniteAtomicsAreReplacedMapsMerge() {
        JsonNode merged = Merge.merge(json(LIVE), json("""
                {"metadata":{"finalizers":["b"],"labels":{"y":"2"}},
                 "spec":{"nodeSelector":{"zone":"z2"},
                   "containers":[{"name":"c","args":["3"],"ports":[{"containerPort":80,"name":"http"}]},{"name":"d","image":"i2"}]}}"""),
                PodPatchMeta.POD);
        assertThat(merged.at("/metadata/finalizers").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(merged.at("/metadata/labels").toString()).isEqualTo("{\"x\":\"1\",\"y\":\"2\"}");
        assertThat(merged.at("/spec/nodeSelector").toString()).isEqualTo("{\"zone\":\"z2\"}");
        JsonNode c = merged.at("/spec/containers/0");
        assertThat(c.path("image").asText()).isEqualTo("i1");
        assertThat(c.path("args").toString()).isEqualTo("[\"3\"]");
        // a port without a protocol is the TCP one
        assertThat(c.path("ports").size()).isEqualTo(2);
        assertThat(c.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(merged.at("/spec/containers/1/name").asText()).isEqualTo("d");
    }

    @Test
    void removeTakesOutAFieldOrAListItemByItsElement() {
        JsonNode o = json(LIVE);
        Merge.remove(o, List.of("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:ports", "k:{\"containerPort\":53,\"protocol\":\"UDP\"}"),
                PodPatchMeta.POD);
        Merge.remove(o, List.of("f:metadata", "f:finalizers", "v:\"a\""), PodPatchMeta.POD);
        Merge.remove(o, List.of("f:metadata", "f:labels", "f:x"), PodPatchMeta.POD);
        assertThat(o.at("/spec/containers/0/ports").size()).isEqualTo(1);
        assertThat(o.at("/metadata/finalizers").size()).isZero();
        assertThat(o.at("/metadata/labels").isEmpty()).isTrue();
    }
}
