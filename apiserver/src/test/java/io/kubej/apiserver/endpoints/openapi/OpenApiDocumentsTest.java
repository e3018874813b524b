package io.kubej.apiserver.endpoints.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.endpoints.openapi.gnostic.Document;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedAny;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedPathItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedSchema;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.apiextensions.StructuralSchema;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published documents: what each holds, the protobuf form of v2, and that they are built once per registry state. */
class OpenApiDocumentsTest {
    static final RESTStrategy STRATEGY = new RESTStrategy() { };
    static final Resource CONFIG_MAPS = Resource.builder("", "v1", "ConfigMap").model(ConfigMap.class).strategy(STRATEGY).build();
    static final Subresource SCALE = new ScaleSubresource("/spec/replicas", "/status/replicas", o -> null);
    static final Resource DEPLOYMENTS = Resource.builder("apps", "v1", "Deployment").model(Deployment.class).strategy(STRATEGY)
            .subresource(SCALE).build();
    static final Resource CRON_TABS = Resource.builder("stable.example.com", "v1", "CronTab").plural("crontabs").strategy(STRATEGY)
            .patchMeta(null).fieldSchema(new StructuralSchema(Json.parse(
                    "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"cronSpec\":{\"type\":\"string\"}}}}}"
                            .getBytes()))).build();

    final List<Resource> served = new ArrayList<>(List.of(CONFIG_MAPS, DEPLOYMENTS));
    final OpenApiDocuments docs = new OpenApiDocuments(() -> List.copyOf(served), "v1.32.0");

    static JsonNode json(OpenApiDocuments.Document d) {
        return Json.parse(d.body());
    }

    @Test
    void eachGroupVersionHasADocumentWithItsKindsAndWhatTheyUse() {
        JsonNode root = json(docs.v3Root());
        assertThat(root.at("/paths/api~1v1/serverRelativeURL").asText()).startsWith("/openapi/v3/api/v1?hash=");
        assertThat(root.at("/paths/apis~1apps~1v1/serverRelativeURL").asText()).startsWith("/openapi/v3/apis/apps/v1?hash=");
        JsonNode apps = json(docs.v3("apis/apps/v1"));
        JsonNode schemas = apps.at("/components/schemas");
        assertThat(schemas.has("io.k8s.api.apps.v1.Deployment")).isTrue();
        assertThat(schemas.has("io.k8s.api.core.v1.PodSpec")).isTrue();
        assertThat(schemas.has("io.k8s.api.core.v1.ConfigMap")).isFalse();
        assertThat(schemas.at("/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind/0").toString())
                .isEqualTo("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}");
        assertThat(schemas.at("/io.k8s.apimachinery.pkg.util.intstr.IntOrString/x-kubernetes-int-or-string").asBoolean()).isTrue();
        // a subresource's own kind is published with its parent's group version, tagged with its own
        assertThat(schemas.at("/io.k8s.api.autoscaling.v1.Scale/x-kubernetes-group-version-kind/0").toString())
                .isEqualTo("{\"group\":\"autoscaling\",\"kind\":\"Scale\",\"version\":\"v1\"}");
        // the PATCH kubectl looks for before it leaves field validation to the server
        JsonNode patch = apps.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
        assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Deployment");
        assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation", "dryRun", "fieldManager", "force");
        assertThat(patch.path("operationId").asText()).isEqualTo("patchAppsV1NamespacedDeployment");
        assertThat(docs.v3("apis/batch/v1")).isNull();
    }

    @Test
    void theV2DocumentAsProtobufHoldsTheSameDefinitionsAndOperations() throws Exception {
        JsonNode v2 = json(docs.v2(false));
        Document pb = Document.parseFrom(docs.v2(true).body());
        assertThat(docs.v2(true).contentType()).isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        assertThat(pb.getSwagger()).isEqualTo("2.0");
        assertThat(pb.getDefinitions().getAdditionalPropertiesList()).extracting(NamedSchema::getName)
                .containsExactlyElementsOf(() -> v2.path("definitions").fieldNames());
        var deployment = pb.getDefinitions().getAdditionalPropertiesList().stream()
                .filter(d -> d.getName().equals("io.k8s.api.apps.v1.Deployment")).findFirst().orElseThrow().getValue();
        assertThat(deployment.getType().getValueList()).containsExactly("object");
        var spec = deployment.getProperties().getAdditionalPropertiesList().stream().filter(p -> p.getName().equals("spec"))
                .findFirst().orElseThrow().getValue();
        assertThat(spec.getRef()).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
        NamedAny gvk = deployment.getVendorExtensionList().stream().filter(e -> e.getName().equals("x-kubernetes-group-version-kind"))
                .findFirst().orElseThrow();
        assertThat(gvk.getValue().getYaml()).isEqualTo("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
        NamedPathItem item = pb.getPaths().getPathList().stream()
                .filter(p -> p.getName().equals("/api/v1/namespaces/{namespace}/configmaps/{name}")).findFirst().orElseThrow();
        assertThat(item.getValue().getPatch().getParametersList())
                .anyMatch(p -> p.getParameter().getNonBodyParameter().getQueryParameterSubSchema().getName().equals("fieldValidation"));
    }

    @Test
    void aCustomResourceIsPublishedFromItsDefinitionsSchema() {
        served.add(CRON_TABS);
        JsonNode doc = json(docs.v3("apis/stable.example.com/v1"));
        JsonNode ct = doc.at("/components/schemas/com.example.stable.v1.CronTab");
        assertThat(ct.at("/properties/spec/properties/cronSpec/type").asText()).isEqualTo("string");
        assertThat(ct.at("/properties/metadata/allOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(doc.at("/components/schemas").has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
        // kubectl 1.29+ sends a strategic merge patch to any kind whose PATCH lists it; custom resources refuse it
        JsonNode patch = doc.at("/paths/~1apis~1stable.example.com~1v1~1namespaces~1{namespace}~1crontabs~1{name}/patch/requestBody/content");
        assertThat(patch.has("application/merge-patch+json")).isTrue();
        assertThat(patch.has("application/strategic-merge-patch+json")).isFalse();
        assertThat(json(docs.v3("apis/apps/v1")).at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch/requestBody/content")
                .has("application/strategic-merge-patch+json")).isTrue();
        assertThat(json(docs.v2(false)).at("/definitions/com.example.stable.v1.CronTab/x-kubernetes-group-version-kind/0/kind").asText())
                .isEqualTo("CronTab");
    }

    @Test
    void documentsAreBuiltOncePerRegistryStateAndTheirETagsFollowTheContent() {
        OpenApiDocuments.Document first = docs.v2(false);
        assertThat(docs.v2(false)).isSameAs(first);
        assertThat(first.etag()).matches("\"[0-9A-F]{128}\"");
        served.add(CRON_TABS); // a CRD was created: the registry holds a new list
        OpenApiDocuments.Document after = docs.v2(false);
        assertThat(after).isNotSameAs(first);
        assertThat(after.etag()).isNotEqualTo(first.etag());
        assertThat(docs.v3("apis/stable.example.com/v1")).isNotNull();
        served.remove(CRON_TABS);
        assertThat(docs.v3("apis/stable.example.com/v1")).isNull();
        assertThat(docs.v2(false).etag()).isEqualTo(first.etag());
    }
}
