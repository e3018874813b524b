package io.kubej.apiserver.endpoints.handlers;

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
    static final Resource PODS = new Resource("", "v1", "pods", "pod", "Pod", true, "pods", List.of(), List.of(),
            Set.of(), List.of(), null, null);

    static ObjectNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void knownFieldsPass() {
        assertThatCode(() -> FieldValidation.strict(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},
                 "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":22}],
                 "resources":{"limits":{"cpu":"1"}}}]}}"""), PODS)).doesNotThrowAnyException();
    }

    @Test
    void unknownNestedFieldIsBadRequestNamingItsPath() {
        assertThatThrownBy(() -> FieldValidation.strict(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},
                 "spec":{"containers":[{"name":"c","imagee":"i"}]}}"""), PODS))
                .isInstanceOf(StatusError.class)
                .hasMessageContaining("strict decoding error: unknown field \"spec.containers[0].imagee\"");
    }
}
