package io.kubej.apiserver.endpoints.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import org.junit.jupiter.api.Test;

/** How a Java model class becomes OpenAPI definitions: names, types, references, descriptions, patch metadata. */
class ModelSchemasTest {
    final ModelSchemas schemas = new ModelSchemas();

    JsonNode def(String name) {
        assertThat(schemas.definitions()).containsKey(name);
        return schemas.definitions().get(name);
    }

    @Test
    void definitionsAreNamedAsUpstreamNamesTheGoTypes() {
        assertThat(schemas.define(Deployment.class)).isEqualTo("io.k8s.api.apps.v1.Deployment");
        assertThat(schemas.define(CronJob.class)).isEqualTo("io.k8s.api.batch.v1.CronJob");
        assertThat(schemas.define(ConfigMap.class)).isEqualTo("io.k8s.api.core.v1.ConfigMap");
        assertThat(schemas.define(CustomResourceDefinition.class))
                .isEqualTo("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition");
        // fabric8 keeps apimachinery's meta/v1 types beside core's; upstream has them in their own package
        assertThat(schemas.definitions()).containsKeys("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", "io.k8s.api.core.v1.PodTemplateSpec",
                "io.k8s.api.apps.v1.DeploymentSpec", "io.k8s.api.core.v1.Container");
    }

    @Test
    void propertiesHaveTheirJsonTypesAndReferToTheDefinitionsTheyUse() {
        schemas.define(Deployment.class);
        JsonNode deployment = def("io.k8s.api.apps.v1.Deployment");
        assertThat(deployment.path("type").asText()).isEqualTo("object");
        assertThat(deployment.at("/properties/spec/$ref").asText()).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(deployment.at("/properties/apiVersion/type").asText()).isEqualTo("string");
        JsonNode spec = def("io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(spec.at("/properties/replicas").toString()).contains("\"type\":\"integer\"", "\"format\":\"int32\"");
        assertThat(spec.at("/properties/paused/type").asText()).isEqualTo("boolean");
        JsonNode meta = def(ModelSchemas.OBJECT_META);
        assertThat(meta.at("/properties/generation/format").asText()).isEqualTo("int64");
        assertThat(meta.at("/properties/labels/type").asText()).isEqualTo("object");
        assertThat(meta.at("/properties/labels/additionalProperties/type").asText()).isEqualTo("string");
        assertThat(meta.at("/properties/finalizers/type").asText()).isEqualTo("array");
        assertThat(meta.at("/properties/finalizers/items/type").asText()).isEqualTo("string");
        assertThat(meta.at("/properties/ownerReferences/items/$ref").asText())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference");
        // fabric8 keeps a time as a String; the Java client's model says it is one
        assertThat(meta.at("/properties/creationTimestamp/$ref").asText()).isEqualTo("#/definitions/" + ModelSchemas.TIME);
        assertThat(def(ModelSchemas.TIME).path("format").asText()).isEqualTo("date-time");
        // a type without properties of its own (managedFields' fieldsV1) is a free-form object
        JsonNode fields = def("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1");
        assertThat(fields.path("type").asText()).isEqualTo("object");
        assertThat(fields.has("properties")).isFalse();
    }

    @Test
    void apimachineryScalarsKeepTheirOwnDefinitions() {
        schemas.define(Service.class);
        schemas.define(Pod.class);
        assertThat(def("io.k8s.api.core.v1.ServicePort").at("/properties/targetPort/$ref").asText())
                .isEqualTo("#/definitions/" + ModelSchemas.INT_OR_STRING);
        assertThat(def(ModelSchemas.INT_OR_STRING).path("format").asText()).isEqualTo("int-or-string");
        assertThat(def("io.k8s.api.core.v1.ResourceRequirements").at("/properties/limits/additionalProperties/$ref").asText())
                .isEqualTo("#/definitions/" + ModelSchemas.QUANTITY);
        assertThat(def(ModelSchemas.QUANTITY).path("type").asText()).isEqualTo("string");
    }

    @Test
    void anyValueIsNeverAnEmptySchemaAndJavaTimesAreMicroTimes() {
        schemas.define(CustomResourceDefinition.class);
        schemas.define(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class);
        // kubectl explain's template takes {} for no schema and fails
        JsonNode props = def("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps").path("properties");
        props.properties().forEach(p -> assertThat(p.getValue().size()).as(p.getKey()).isPositive());
        assertThat(props.at("/default/x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
        assertThat(def("io.k8s.api.coordination.v1.LeaseSpec").at("/properties/renewTime/$ref").asText())
                .isEqualTo("#/definitions/" + ModelSchemas.MICRO_TIME);
        assertThat(def(ModelSchemas.MICRO_TIME).path("format").asText()).isEqualTo("date-time");
    }

    @Test
    void aRecursiveSchemaTypeIsDefinedOnceAndItsSelfSerializingPartsTakeAnyValue() {
        schemas.define(CustomResourceDefinition.class);
        JsonNode props = def("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
        assertThat(props.at("/properties/properties/additionalProperties/$ref").asText())
                .isEqualTo("#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
        assertThat(props.at("/properties/items").has("type")).isFalse();
        assertThat(props.at("/properties/items").has("$ref")).isFalse();
    }

    @Test
    void descriptionsAndRequiredFieldsComeFromTheJavaClientsModels() {
        schemas.define(Deployment.class);
        assertThat(def("io.k8s.api.apps.v1.DeploymentStrategy").path("description").asText())
                .contains("how to replace existing pods with new ones");
        assertThat(def("io.k8s.api.apps.v1.DeploymentStrategy").at("/properties/type/description").asText()).contains("Recreate");
        assertThat(def("io.k8s.api.core.v1.Container").path("required").toString()).isEqualTo("[\"name\"]");
        assertThat(def("io.k8s.api.apps.v1.DeploymentSpec").path("required").toString()).isEqualTo("[\"selector\",\"template\"]");
    }

    @Test
    void theRegistrysPatchMetadataMarksTheListsItNames() {
        String name = schemas.define(Deployment.class);
        schemas.markPatchStrategies(name, PodPatchMeta.WORKLOAD);
        JsonNode containers = def("io.k8s.api.core.v1.PodSpec").at("/properties/containers");
        assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(def("io.k8s.api.core.v1.Container").at("/properties/env/x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(def(ModelSchemas.OBJECT_META).at("/properties/finalizers/x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(def(ModelSchemas.OBJECT_META).at("/properties/finalizers").has("x-kubernetes-patch-merge-key")).isFalse();
    }

    @Test
    void theRegistrysListTypesArePublishedForServerSideApply() {
        String name = schemas.define(Deployment.class);
        schemas.markPatchStrategies(name, PodPatchMeta.WORKLOAD);
        JsonNode containers = def("io.k8s.api.core.v1.PodSpec").at("/properties/containers");
        assertThat(containers.path("x-kubernetes-list-type").asText()).isEqualTo("map");
        assertThat(containers.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"name\"]");
        JsonNode ports = def("io.k8s.api.core.v1.Container").at("/properties/ports");
        assertThat(ports.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"containerPort\",\"protocol\"]");
        assertThat(def(ModelSchemas.OBJECT_META).at("/properties/finalizers/x-kubernetes-list-type").asText()).isEqualTo("set");
    }

    @Test
    void v3RefsPointIntoComponentsAndARefWithItsOwnDescriptionIsAnAllOf() {
        ObjectNode v2 = Json.object();
        v2.putObject("properties").putObject("spec").put("$ref", "#/definitions/a.B").put("description", "the spec");
        v2.withObject("properties").putObject("plain").put("$ref", "#/definitions/a.C");
        JsonNode v3 = OpenApiV3.v3Schema(v2);
        assertThat(v3.at("/properties/spec/allOf/0/$ref").asText()).isEqualTo("#/components/schemas/a.B");
        assertThat(v3.at("/properties/spec/description").asText()).isEqualTo("the spec");
        assertThat(v3.at("/properties/plain").toString()).isEqualTo("{\"$ref\":\"#/components/schemas/a.C\"}");
    }

    @Test
    void aCustomResourceSchemaIsWrittenForV2AsUpstreamPublishesIt() {
        ObjectNode schema = (ObjectNode) Json.parse("""
                {"type":"object","properties":{
                  "spec":{"type":"object","nullable":true,"properties":{"port":{"x-kubernetes-int-or-string":true,"type":"string"}}},
                  "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"a":{"type":"string"}}},
                  "nullable":{"type":"string"}}}""".getBytes());
        ObjectNode def = OpenApiDefinitions.customResource(schema);
        assertThat(def.at("/properties/metadata/$ref").asText()).isEqualTo("#/definitions/" + ModelSchemas.OBJECT_META);
        assertThat(def.at("/properties/kind/type").asText()).isEqualTo("string");
        ObjectNode v2 = OpenApiV2.v2Schema(def);
        assertThat(v2.at("/properties/spec").has("nullable")).isFalse();
        assertThat(v2.at("/properties/spec/properties/port").has("type")).isFalse();
        assertThat(v2.at("/properties/extra").has("properties")).isFalse();
        // a property that happens to be called like a keyword stays
        assertThat(v2.at("/properties/nullable/type").asText()).isEqualTo("string");
    }
}
