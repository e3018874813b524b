package io.kubej.apiserver.endpoints.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldValidationTest {
    static final Resource PODS = Resource.builder("", "v1", "Pod").model(io.fabric8.kubernetes.api.model.Pod.class)
            .strategy(new io.kubej.apiserver.registry.RESTStrategy() { }).build();

    static void strict(ObjectNode body, Resource r) {
        List<FieldValidation.UnknownField> unknown = FieldValidation.unknownFields(body, r);
        if (!unknown.isEmpty()) {
            throw FieldValidation.strictError(r, unknown.stream().map(f -> "unknown field \"" + f.path() + "\"").toList());
        }
    }

    static ObjectNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void knownFieldsPass() {
        assertThatCode(() -> strict(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},
                 "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":22}],
                 "resources":{"limits":{"cpu":"1"}}}]}}"""), PODS)).doesNotThrowAnyException();
    }

    @Test
    void unknownNestedFieldIsBadRequestNamingItsPath() {
        assertThatThrownBy(() -> strict(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},
                 "spec":{"containers":[{"name":"c","imagee":"i"}]}}"""), PODS))
                .isInstanceOf(StatusError.class)
                .hasMessageContaining("strict decoding error: unknown field \"spec.containers[0].imagee\"");
    }

    @Test
    void pruningRemovesExactlyTheUnknownFields() {
        ObjectNode body = json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x/y":"z"},"bogus":1},
                 "spec":{"containers":[{"name":"c","image":"i"},{"name":"d","imagee":"i"}]}}""");
        List<FieldValidation.UnknownField> unknown = FieldValidation.unknownFields(body, PODS);
        assertThat(unknown).extracting(FieldValidation.UnknownField::path)
                .containsExactlyInAnyOrder("metadata.bogus", "spec.containers[1].imagee");
        FieldValidation.prune(body, unknown);
        assertThat(body.path("metadata").has("bogus")).isFalse();
        assertThat(body.path("metadata").path("labels").path("x/y").asText()).isEqualTo("z");
        assertThat(body.path("spec").path("containers").get(1).has("imagee")).isFalse();
        assertThat(body.path("spec").path("containers").get(1).path("name").asText()).isEqualTo("d");
    }

    @Test
    void aTypeErrorIsBadRequestWhateverTheMode() {
        assertThatThrownBy(() -> FieldValidation.unknownFields(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},
                 "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":"twenty-two"}]}]}}"""), PODS))
                .isInstanceOf(StatusError.class)
                .hasMessageContaining("cannot be handled as a Pod");
    }
}
