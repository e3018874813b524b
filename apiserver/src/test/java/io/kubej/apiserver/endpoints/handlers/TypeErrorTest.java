package io.kubej.apiserver.endpoints.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import org.junit.jupiter.api.Test;

/** A value of the wrong JSON type is a 400 in the words of Go's decoder, as upstream answers it. */
class TypeErrorTest {
    static final Resource DEPLOYMENTS = Resource.builder("apps", "v1", "Deployment").model(Deployment.class)
            .strategy(new RESTStrategy() { }).build();

    static String refusal(String json) {
        try {
            FieldValidation.unknownFields(Json.parse(json.getBytes()), DEPLOYMENTS);
        } catch (StatusError e) {
            assertThat(e.code()).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void aStringForAnIntegerNamesTheStructThePathAndTheGoType() {
        assertThat(refusal("{\"spec\":{\"replicas\":\"two\"}}")).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
                + "Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    }

    @Test
    void listIndexesAreLeftOutOfThePathAsGoDoes() {
        assertThat(refusal("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":true}]}]}}}}"))
                .endsWith("json: cannot unmarshal bool into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort"
                        + " of type int32");
    }

    @Test
    void aWellTypedBodyIsNotRefused() {
        assertThatThrownBy(() -> refusal("{\"spec\":{\"replicas\":2}}")).isInstanceOf(AssertionError.class);
    }
}
