package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSetTest {
    static FieldSet parse(String fieldsV1) {
        return FieldSet.fromFieldsV1(Json.parse(fieldsV1.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void leavesAndDotsAreMembersAndParentsWithoutADotAreNot() {
        FieldSet s = parse("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(s.has(List.of("f:spec", "f:replicas"))).isTrue();
        assertThat(s.has(List.of("f:spec"))).isFalse();
        assertThat(s.has(List.of("f:metadata", "f:labels"))).isTrue();
        assertThat(s.hasAtOrBelow(List.of("f:spec"))).isTrue();
        assertThat(s.members()).containsExactly(List.of("f:metadata", "f:labels"), List.of("f:metadata", "f:labels", "f:app"),
                List.of("f:spec", "f:replicas"));
    }

    @Test
    void fieldsV1RoundTripsInUpstreamsSpelling() {
        String v1 = "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{}}},"
                + "\"f:finalizers\":{\"v:\\\"a\\\"\":{}}}}";
        assertThat(parse(v1).toFieldsV1().toString()).isEqualTo(v1);
    }

    @Test
    void differenceAndIntersectionWorkOnMembers() {
        FieldSet a = FieldSet.of(List.of(List.of("f:spec", "f:replicas"), List.of("f:spec", "f:paused")));
        FieldSet b = FieldSet.of(List.of(List.of("f:spec", "f:replicas")));
        assertThat(a.difference(b).members()).containsExactly(List.of("f:spec", "f:paused"));
        assertThat(a.intersection(b)).isEqualTo(b);
        assertThat(b.difference(a).isEmpty()).isTrue();
        assertThat(a.difference(b).toFieldsV1().toString()).isEqualTo("{\"f:spec\":{\"f:paused\":{}}}");
    }

    @Test
    void pathsPrintAsUpstreamsConflictMessagesDo() {
        assertThat(FieldSet.pathString(List.of("f:spec", "f:replicas"))).isEqualTo(".spec.replicas");
        assertThat(FieldSet.pathString(List.of("f:spec", "f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}", "f:targetPort")))
                .isEqualTo(".spec.ports[port=80,protocol=\"TCP\"].targetPort");
        assertThat(FieldSet.pathString(List.of("f:metadata", "f:finalizers", "v:\"a\""))).isEqualTo(".metadata.finalizers[=\"a\"]");
    }

    @Test
    void anUnknownPathElementDoesNotDecode() {
        assertThatThrownBy(() -> parse("{\"x:spec\":{}}")).isInstanceOf(IllegalArgumentException.class);
    }
}
