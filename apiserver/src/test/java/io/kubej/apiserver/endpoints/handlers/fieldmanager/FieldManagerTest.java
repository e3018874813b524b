package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.handlers.fieldmanager.FieldManager.Part;
import io.kubej.apiserver.endpoints.handlers.fieldmanager.FieldManager.Writer;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FieldManagerTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    static ObjectNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    static Writer writer(String manager) {
        return new Writer(manager, "apps/v1", "", Part.ALL_BUT_STATUS, PodPatchMeta.WORKLOAD);
    }

    static ObjectNode deployment(int replicas, String image) {
        return json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":%d,"template":{"spec":{"containers":[{"name":"c","image":"%s"}]}}}}""".formatted(replicas, image));
    }

    static JsonNode entry(ObjectNode o, String manager, String operation) {
        for (JsonNode e : o.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void aCreateIsAnUpdateOwningEveryFieldWithATime() {
        ObjectNode created = FieldManager.update(null, deployment(1, "i"), writer("kubectl-create"), NOW);
        JsonNode e = entry(created, "kubectl-create", "Update");
        assertThat(e.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(e.path("time").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(e.path("fieldsType").asText()).isEqualTo("FieldsV1");
        assertThat(e.path("fieldsV1").toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{},\"f:template\":{\"f:spec\":"
                + "{\"f:containers\":{\".\":{},\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}}}");
    }

    @Test
    void aFieldAnotherManagerChangesMovesToItAndAManagerLeftWithNothingIsDropped() {
        ObjectNode created = FieldManager.update(null, json("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":1}}"),
                writer("creator"), NOW);
        ObjectNode scaled = created.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 3);
        ObjectNode after = FieldManager.update(created, scaled, writer("kubectl-scale"), NOW);
        assertThat(entry(after, "creator", "Update")).isNull();
        assertThat(entry(after, "kubectl-scale", "Update").path("fieldsV1").toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
    }

    @Test
    void anUpdateWithoutManagedFieldsKeepsTheLiveOnesAndOneEmptyEntryClearsThem() {
        ObjectNode created = FieldManager.update(null, deployment(1, "i"), writer("creator"), NOW);
        ObjectNode put = deployment(1, "i"); // a client unaware of managedFields
        assertThat(entry(FieldManager.update(created, put, writer("other"), NOW), "creator", "Update")).isNotNull();
        ObjectNode emptyList = deployment(1, "i");
        Json.metadata(emptyList).putArray("managedFields");
        assertThat(entry(FieldManager.update(created, emptyList, writer("other"), NOW), "creator", "Update")).isNotNull();
        ObjectNode reset = deployment(1, "i");
        Json.metadata(reset).putArray("managedFields").addObject();
        assertThat(FieldManager.update(created, reset, writer("other"), NOW).path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void applyingAFieldAnotherManagerOwnsWithAnotherValueIsAConflictUnlessForced() {
        ObjectNode live = FieldManager.apply(null, deployment(2, "i"), writer("kubectl"), false, NOW);
        ObjectNode replicas = json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":5}}");
        assertThatThrownBy(() -> FieldManager.apply(live, replicas.deepCopy(), writer("hpa"), false, NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
                    assertThat(e.toStatus().at("/details/causes/0").toString())
                            .isEqualTo("{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"kubectl\\\"\",\"field\":\".spec.replicas\"}");
                });
        // the same value is shared ownership, not a conflict
        ObjectNode shared = FieldManager.apply(live, deployment(2, "i"), writer("other"), false, NOW);
        assertThat(entry(shared, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject()).isTrue();
        ObjectNode forced = FieldManager.apply(live, replicas.deepCopy(), writer("hpa"), true, NOW);
        assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(entry(forced, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isMissingNode()).isTrue();
    }

    @Test
    void aConflictWithAnUpdaterNamesItsVersionAndSeveralAreGroupedByManager() {
        ObjectNode live = FieldManager.update(null, deployment(2, "i"), writer("kubectl-edit"), NOW);
        assertThatThrownBy(() -> FieldManager.apply(live, deployment(3, "j"), writer("mine"), false, NOW))
                .hasMessage("Apply failed with 2 conflicts: conflicts with \"kubectl-edit\" using apps/v1:\n"
                        + "- .spec.replicas\n- .spec.template.spec.containers[name=\"c\"].image");
    }

    @Test
    void aFieldTheApplierNoLongerAppliesIsRemovedUnlessSomeoneElseOwnsIt() {
        ObjectNode withEnv = json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"a":"1","b":"2"}},"spec":{"replicas":1}}""");
        ObjectNode live = FieldManager.apply(null, withEnv, writer("me"), false, NOW);
        live = FieldManager.apply(live, json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"b":"2"}}}"""), writer("you"), false, NOW);
        ObjectNode after = FieldManager.apply(live, json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}"""), writer("me"), false, NOW);
        assertThat(after.at("/metadata/labels").toString()).isEqualTo("{\"b\":\"2\"}");
    }

    @Test
    void theFirstApplyToAnObjectWithoutManagedFieldsGivesTheOldFieldsToBeforeFirstApply() {
        ObjectNode old = deployment(2, "i");
        assertThatThrownBy(() -> FieldManager.apply(old, deployment(3, "i"), writer("mine"), false, NOW))
                .hasMessageContaining("conflict with \"before-first-apply\" using apps/v1: .spec.replicas");
        ObjectNode same = FieldManager.apply(old, deployment(2, "i"), writer("mine"), false, NOW);
        assertThat(entry(same, "before-first-apply", "Update")).isNotNull();
        assertThat(entry(same, "mine", "Apply")).isNotNull();
    }

    @Test
    void kubectlTakesOverWhatClientSideApplyLastAppliedAndKeepsTheAnnotationCurrent() {
        ObjectNode csa = deployment(2, "i");
        Json.obj(Json.metadata(csa), "annotations").put(FieldManager.LAST_APPLIED, deployment(2, "i").toString());
        ObjectNode live = FieldManager.update(null, csa, writer("kubectl-client-side-apply"), NOW);
        ObjectNode ssa = FieldManager.apply(live, deployment(4, "i"), writer("kubectl"), false, NOW);
        assertThat(ssa.at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(ssa.at("/metadata/annotations").path(FieldManager.LAST_APPLIED).asText()).contains("\"replicas\":4");
        // any other manager still conflicts
        assertThatThrownBy(() -> FieldManager.apply(live, deployment(4, "i"), writer("someone"), false, NOW))
                .hasMessageContaining("kubectl-client-side-apply");
    }

    @Test
    void aMapListItemWithoutItsKeyCannotBeApplied() {
        ObjectNode noName = json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"template":{"spec":{"containers":[{"image":"i"}]}}}}""");
        assertThatThrownBy(() -> FieldManager.apply(null, noName, writer("me"), false, NOW))
                .hasMessage(".spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\""
                        + " (and doesn't have default value)");
    }

    @Test
    void theManagerIsTheFieldManagerParameterElseTheUserAgentsFirstPart() {
        assertThat(FieldManager.managerName("kubectl-edit", "kubectl/v1.32.0 (linux/amd64)")).isEqualTo("kubectl-edit");
        assertThat(FieldManager.managerName(null, "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/deployment-controller"))
                .isEqualTo("kube-controller-manager");
    }

    @Test
    void aConflictWithASubresourceWriteNamesTheSubresource() {
        ObjectNode live = FieldManager.apply(null, deployment(2, "i"), writer("kubectl"), false, NOW);
        ObjectNode scaled = live.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 4);
        ObjectNode after = FieldManager.update(live, scaled, new Writer("kubectl", "apps/v1", "scale", Part.ALL_BUT_STATUS,
                PodPatchMeta.WORKLOAD), NOW);
        assertThatThrownBy(() -> FieldManager.apply(after, deployment(2, "i"), writer("kubectl"), false, NOW))
                .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
    }

    @Test
    void beyondTenUpdatersTheOldestAreFoldedIntoAncientChanges() {
        ObjectNode o = FieldManager.update(null, json("{\"metadata\":{\"name\":\"web\"},\"data\":{}}"), writer("creator"), NOW);
        for (int i = 0; i < 12; i++) {
            ObjectNode next = o.deepCopy();
            Json.obj(next, "data").put("k" + i, "v");
            o = FieldManager.update(o, next, writer("writer-" + i), NOW.plusSeconds(i));
        }
        java.util.List<String> managers = new java.util.ArrayList<>();
        o.at("/metadata/managedFields").forEach(e -> managers.add(e.path("manager").asText()));
        assertThat(managers).hasSize(10).contains("ancient-changes", "writer-11").doesNotContain("writer-0", "writer-1");
        assertThat(entry(o, "ancient-changes", "Update").at("/fieldsV1/f:data").toString()).contains("f:k0").contains("f:k1");
    }
}
