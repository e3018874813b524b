package io.kubej.apiserver.registry.admissionregistration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admissionregistration.k8s.io/v1 configurations' defaults and validation, through their registrations' strategies. */
class WebhookConfigurationStrategyTest {
    static final Resource MUTATING = AdmissionRegistrationResources.resources().get(0);
    static final Resource VALIDATING = AdmissionRegistrationResources.resources().get(1);

    /** The smallest valid webhook: a name, v1 reviews, no side effects, a URL, one rule. */
    static ObjectNode configuration(String kind) {
        ObjectNode c = (ObjectNode) Json.MAPPER.valueToTree(java.util.Map.of(
                "apiVersion", "admissionregistration.k8s.io/v1", "kind", kind, "metadata", java.util.Map.of("name", "demo")));
        ObjectNode w = c.putArray("webhooks").addObject();
        w.put("name", "demo.example.com").put("sideEffects", "None");
        w.putArray("admissionReviewVersions").add("v1");
        w.putObject("clientConfig").put("url", "https://hooks.example.com/validate");
        ObjectNode rule = w.putArray("rules").addObject();
        rule.putArray("operations").add("CREATE");
        rule.putArray("apiGroups").add("");
        rule.putArray("apiVersions").add("v1");
        rule.putArray("resources").add("configmaps");
        return c;
    }

    static ObjectNode webhook(ObjectNode configuration) {
        return (ObjectNode) configuration.path("webhooks").get(0);
    }

    static List<Cause> created(Resource r, ObjectNode c) {
        r.strategy().prepareForCreate(c);
        return r.strategy().validate(c);
    }

    static List<String> fields(List<Cause> causes) {
        return causes.stream().map(Cause::field).toList();
    }

    @Test
    void aMinimalWebhookIsValidAndGetsUpstreamsDefaults() {
        ObjectNode m = configuration("MutatingWebhookConfiguration");
        assertThat(created(MUTATING, m)).isEmpty();
        ObjectNode w = webhook(m);
        assertThat(w.path("failurePolicy").asText()).isEqualTo("Fail");
        assertThat(w.path("matchPolicy").asText()).isEqualTo("Equivalent");
        assertThat(w.path("timeoutSeconds").asInt()).isEqualTo(10);
        assertThat(w.path("namespaceSelector").isObject()).isTrue();
        assertThat(w.path("namespaceSelector").isEmpty()).isTrue();
        assertThat(w.path("objectSelector").isObject()).isTrue();
        assertThat(w.path("rules").get(0).path("scope").asText()).isEqualTo("*");
        assertThat(w.path("reinvocationPolicy").asText()).isEqualTo("Never");

        ObjectNode v = configuration("ValidatingWebhookConfiguration");
        assertThat(created(VALIDATING, v)).isEmpty();
        assertThat(webhook(v).has("reinvocationPolicy")).as("validating webhooks are never reinvoked").isFalse();
        assertThat(webhook(v).path("failurePolicy").asText()).isEqualTo("Fail");
    }

    @Test
    void setValuesAreKeptAndAServiceGetsPort443() {
        ObjectNode c = configuration("ValidatingWebhookConfiguration");
        ObjectNode w = webhook(c).put("failurePolicy", "Ignore").put("timeoutSeconds", 3);
        w.putObject("clientConfig").putObject("service").put("namespace", "hooks").put("name", "policy");
        assertThat(created(VALIDATING, c)).isEmpty();
        assertThat(w.path("failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(w.path("timeoutSeconds").asInt()).isEqualTo(3);
        assertThat(w.path("clientConfig").path("service").path("port").asInt()).isEqualTo(443);
    }

    @Test
    void webhookNamesAreFullyQualifiedAndUnique() {
        ObjectNode c = configuration("ValidatingWebhookConfiguration");
        webhook(c).put("name", "demo.example");
        assertThat(created(VALIDATING, c)).extracting(Cause::message)
                .containsExactly("Invalid value: \"demo.example\": should be a domain with at least three segments separated by dots");

        ObjectNode twice = configuration("ValidatingWebhookConfiguration");
        ((com.fasterxml.jackson.databind.node.ArrayNode) twice.path("webhooks")).add(webhook(twice).deepCopy());
        List<Cause> causes = created(VALIDATING, twice);
        assertThat(fields(causes)).containsExactly("webhooks[1].name");
        assertThat(causes.get(0).reason()).isEqualTo("FieldValueDuplicate");
    }

    @Test
    void reviewsMustIncludeV1AndSideEffectsMustBeNoneOrNoneOnDryRun() {
        ObjectNode c = configuration("ValidatingWebhookConfiguration");
        webhook(c).putArray("admissionReviewVersions").add("v1beta1");
        webhook(c).remove("sideEffects");
        List<Cause> causes = created(VALIDATING, c);
        assertThat(fields(causes)).containsExactly("webhooks[0].admissionReviewVersions", "webhooks[0].sideEffects");
        assertThat(causes.get(1).reason()).isEqualTo("FieldValueRequired");

        ObjectNode some = configuration("ValidatingWebhookConfiguration");
        webhook(some).put("sideEffects", "Some");
        assertThat(created(VALIDATING, some)).extracting(Cause::reason).containsExactly("FieldValueNotSupported");
        ObjectNode dryRunAware = configuration("ValidatingWebhookConfiguration");
        webhook(dryRunAware).put("sideEffects", "NoneOnDryRun");
        assertThat(created(VALIDATING, dryRunAware)).isEmpty();
    }

    @Test
    void clientConfigIsExactlyOneOfAnHttpsUrlAndAService() {
        ObjectNode both = configuration("ValidatingWebhookConfiguration");
        ((ObjectNode) webhook(both).path("clientConfig")).putObject("service").put("namespace", "a").put("name", "b");
        assertThat(created(VALIDATING, both)).extracting(Cause::message)
                .containsExactly("Required value: exactly one of url or service is required");
        ObjectNode neither = configuration("ValidatingWebhookConfiguration");
        webhook(neither).putObject("clientConfig");
        assertThat(fields(created(VALIDATING, neither))).containsExactly("webhooks[0].clientConfig");

        ObjectNode http = configuration("ValidatingWebhookConfiguration");
        ((ObjectNode) webhook(http).path("clientConfig")).put("url", "http://hooks.example.com/x?a=b");
        assertThat(created(VALIDATING, http)).extracting(Cause::message).containsExactly(
                "Invalid value: \"http://hooks.example.com/x?a=b\": 'https' is the only allowed URL scheme",
                "Invalid value: \"http://hooks.example.com/x?a=b\": query parameters are not permitted in the URL");

        ObjectNode service = configuration("ValidatingWebhookConfiguration");
        webhook(service).putObject("clientConfig").putObject("service").put("name", "policy").put("path", "validate").put("port", 0);
        assertThat(fields(created(VALIDATING, service))).containsExactly("webhooks[0].clientConfig.service.namespace",
                "webhooks[0].clientConfig.service.path", "webhooks[0].clientConfig.service.port");
    }

    @Test
    void aCaBundleMustBeBase64() {
        ObjectNode good = configuration("ValidatingWebhookConfiguration");
        ((ObjectNode) webhook(good).path("clientConfig")).put("caBundle",
                Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.UTF_8)));
        assertThat(created(VALIDATING, good)).isEmpty();
        ObjectNode bad = configuration("ValidatingWebhookConfiguration");
        ((ObjectNode) webhook(bad).path("clientConfig")).put("caBundle", "not base64!");
        assertThat(fields(created(VALIDATING, bad))).containsExactly("webhooks[0].clientConfig.caBundle");
    }

    @Test
    void rulesNeedEveryListAndAWildcardStandsAlone() {
        ObjectNode c = configuration("MutatingWebhookConfiguration");
        ObjectNode rule = (ObjectNode) webhook(c).path("rules").get(0);
        rule.putArray("operations").add("*").add("CREATE");
        rule.remove("apiVersions");
        rule.putArray("resources").add("*/*").add("pods");
        rule.put("scope", "Everywhere");
        assertThat(fields(created(MUTATING, c))).containsExactly("webhooks[0].rules[0].operations",
                "webhooks[0].rules[0].apiVersions", "webhooks[0].rules[0].resources[0]", "webhooks[0].rules[0].scope");

        ObjectNode unknown = configuration("MutatingWebhookConfiguration");
        ((ObjectNode) webhook(unknown).path("rules").get(0)).putArray("operations").add("PATCH");
        assertThat(created(MUTATING, unknown)).extracting(Cause::reason).containsExactly("FieldValueNotSupported");

        ObjectNode overlap = configuration("MutatingWebhookConfiguration");
        ((ObjectNode) webhook(overlap).path("rules").get(0)).putArray("resources").add("pods/*").add("pods/status");
        assertThat(created(MUTATING, overlap)).extracting(Cause::message)
                .containsExactly("Invalid value: \"pods/status\": if 'pods/*' is present, must not specify pods/status");

        ObjectNode fine = configuration("MutatingWebhookConfiguration");
        ((ObjectNode) webhook(fine).path("rules").get(0)).putArray("resources").add("*").add("*/scale").add("pods/status");
        assertThat(created(MUTATING, fine)).isEmpty();
    }

    @Test
    void policiesTimeoutsAndSelectorsAreChecked() {
        ObjectNode c = configuration("MutatingWebhookConfiguration");
        ObjectNode w = webhook(c).put("failurePolicy", "Sometimes").put("matchPolicy", "Loose")
                .put("reinvocationPolicy", "Always").put("timeoutSeconds", 31);
        ObjectNode expr = w.putObject("objectSelector").putArray("matchExpressions").addObject();
        expr.put("key", "team").put("operator", "In");
        w.putObject("namespaceSelector").putArray("matchExpressions").addObject().put("key", "env").put("operator", "Near");
        assertThat(fields(created(MUTATING, c))).containsExactly("webhooks[0].failurePolicy", "webhooks[0].matchPolicy",
                "webhooks[0].reinvocationPolicy", "webhooks[0].timeoutSeconds",
                "webhooks[0].namespaceSelector.matchExpressions[0].operator", "webhooks[0].objectSelector.matchExpressions[0].values");
    }

    @Test
    void celMatchConditionsAreRefusedRatherThanIgnored() {
        ObjectNode c = configuration("ValidatingWebhookConfiguration");
        webhook(c).putArray("matchConditions").addObject().put("name", "x").put("expression", "true");
        List<Cause> causes = created(VALIDATING, c);
        assertThat(fields(causes)).containsExactly("webhooks[0].matchConditions");
        assertThat(causes.get(0).reason()).isEqualTo("FieldValueForbidden");
    }

    @Test
    void bothKindsAreClusterScopedInTheApiExtensionsCategory() {
        for (Resource r : List.of(MUTATING, VALIDATING)) {
            assertThat(r.namespaced()).isFalse();
            assertThat(r.group()).isEqualTo("admissionregistration.k8s.io");
            assertThat(r.categories()).containsExactly("api-extensions");
        }
        assertThat(MUTATING.plural()).isEqualTo("mutatingwebhookconfigurations");
        assertThat(VALIDATING.plural()).isEqualTo("validatingwebhookconfigurations");
    }
}
