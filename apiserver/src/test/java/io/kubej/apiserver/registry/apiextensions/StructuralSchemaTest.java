package io.kubej.apiserver.registry.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.FieldSchema;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StructuralSchemaTest {
    static ObjectNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    static final StructuralSchema SCHEMA = new StructuralSchema(json("""
            {"type":"object","properties":{
              "spec":{"type":"object","required":["size"],"properties":{
                "size":{"type":"integer","minimum":1,"maximum":5,"default":1},
                "mode":{"type":"string","enum":["a","b"]},
                "name":{"type":"string","maxLength":3,"pattern":"^x"},
                "port":{"x-kubernetes-int-or-string":true},
                "tags":{"type":"array","maxItems":2,"items":{"type":"string"}},
                "labels":{"type":"object","additionalProperties":{"type":"string"}},
                "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
                "nested":{"type":"object","properties":{"depth":{"type":"integer","default":3}}}}}}}"""));

    @Test
    void unknownFieldsAreFoundAtEveryLevelButNotInPreservedOrMapFields() {
        ObjectNode o = json("""
                {"apiVersion":"x/v1","kind":"K","metadata":{"name":"n","whatever":1},"top":1,
                 "spec":{"size":2,"bogus":true,"free":{"any":{"thing":1}},"labels":{"k":"v"},"tags":["a"]}}""");
        assertThat(SCHEMA.unknownFields(o)).extracting(FieldSchema.Field::path).containsExactlyInAnyOrder("top", "spec.bogus");
        assertThat(SCHEMA.unknownFields(o)).extracting(FieldSchema.Field::pointer).contains("/spec/bogus");
    }

    @Test
    void defaultsFillAbsentFieldsOnlyWhereTheirParentExists() {
        ObjectNode o = json("{\"spec\":{\"nested\":{}}}");
        SCHEMA.applyDefaults(o);
        assertThat(o.at("/spec/size").asInt()).isEqualTo(1);
        assertThat(o.at("/spec/nested/depth").asInt()).isEqualTo(3);
        ObjectNode none = json("{}");
        SCHEMA.applyDefaults(none);
        assertThat(none.has("spec")).isFalse();
    }

    @Test
    void theCommonKeywordsAreValidatedWithUpstreamsWording() {
        ObjectNode o = json("""
                {"spec":{"size":9,"mode":"c","name":"yyyy","port":1.5,"tags":["a","b","c"],"labels":{"k":1}}}""");
        assertThat(SCHEMA.validate(o)).extracting(Cause::message).containsExactlyInAnyOrder(
                "Invalid value: 9: spec.size in body should be less than or equal to 5",
                "Unsupported value: \"c\": supported values: \"a\", \"b\"",
                "Too long: may not be more than 3 bytes",
                "Invalid value: \"yyyy\": spec.name in body should match '^x'",
                "Invalid value: 1.5: spec.port in body must be of type integer,string: \"number\"",
                "Too many: 3: must have at most 2 items",
                "Invalid value: 1: spec.labels.k in body must be of type string: \"integer\"");
        assertThat(SCHEMA.validate(json("{\"spec\":{}}"))).extracting(Cause::field).containsExactly("spec.size");
        assertThat(SCHEMA.validate(json("{\"spec\":{\"size\":\"two\"}}"))).extracting(Cause::message)
                .containsExactly("Invalid value: \"two\": spec.size in body must be of type integer: \"string\"");
    }

    @Test
    void printerColumnPathsSelectFieldsItemsAndFilters() {
        ObjectNode o = json("{\"spec\":{\"a\":[{\"b\":1},{\"b\":2}]},\"status\":{\"conditions\":[{\"type\":\"X\",\"status\":\"False\"},"
                + "{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        assertThat(JsonPath.eval(o, ".spec.a[1].b").asInt()).isEqualTo(2);
        assertThat(JsonPath.eval(o, ".status.conditions[?(@.type==\"Ready\")].status").asText()).isEqualTo("True");
        assertThat(JsonPath.eval(o, "{.spec.a[0].b}").asInt()).isEqualTo(1);
        assertThat(JsonPath.eval(o, ".spec.missing.deeper")).isNull();
    }
}
