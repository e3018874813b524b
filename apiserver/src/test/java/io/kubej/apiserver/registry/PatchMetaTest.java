package io.kubej.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.PatchMeta.ListType;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchMetaTest {
    @Test
    void aMergeKeyStandsForAMapListAndTheMergeStrategyOnStringsForASet() {
        PatchMeta spec = PodPatchMeta.POD.field("spec");
        assertThat(spec.field("containers").listSemantics().type()).isEqualTo(ListType.MAP);
        assertThat(spec.field("containers").listSemantics().keys()).containsExactly("name");
        assertThat(PatchMeta.OBJECT_META.field("finalizers").listSemantics().type()).isEqualTo(ListType.SET);
        assertThat(spec.field("tolerations").listSemantics().type()).isEqualTo(ListType.ATOMIC);
    }

    @Test
    void containerPortsAreKeyedByPortAndProtocolWhileStrategicMergeKeepsContainerPort() {
        PatchMeta ports = PodPatchMeta.CONTAINER.field("ports");
        assertThat(ports.mergeKey()).isEqualTo("containerPort");
        assertThat(ports.listSemantics().keys()).containsExactly("containerPort", "protocol");
        assertThat(ports.listSemantics().keyDefaults().get("protocol").asText()).isEqualTo("TCP");
        assertThat(PodPatchMeta.WORKLOAD.field("spec").field("selector").atomic()).isTrue();
    }

    @Test
    void aCustomResourceReadsItsListAndMapTypesFromTheSchemaAndRefusesStrategicMerge() {
        PatchMeta meta = PatchMeta.ofCustomResource(Json.parse("""
                {"type":"object","properties":{"spec":{"type":"object","properties":{
                  "parts":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name","kind"],
                    "items":{"type":"object","properties":{"name":{"type":"string"},"kind":{"type":"string","default":"A"}}}},
                  "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
                  "plain":{"type":"array","items":{"type":"string"}},
                  "selector":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}}}}}}"""
                .getBytes(StandardCharsets.UTF_8)));
        PatchMeta spec = meta.field("spec");
        assertThat(spec.field("parts").listSemantics().keys()).isEqualTo(List.of("name", "kind"));
        assertThat(spec.field("parts").listSemantics().keyDefaults().get("kind").asText()).isEqualTo("A");
        assertThat(spec.field("tags").listSemantics().type()).isEqualTo(ListType.SET);
        assertThat(spec.field("plain").listSemantics().type()).isEqualTo(ListType.ATOMIC);
        assertThat(spec.field("selector").atomic()).isTrue();
        assertThat(meta.field("metadata").field("finalizers").listSemantics().type()).isEqualTo(ListType.SET);
        assertThat(meta.strategic()).isFalse();
    }
}
