package io.kubej.apiserver.admission.webhook;

import static io.kubej.apiserver.admission.webhook.Hooks.ALICE;
import static io.kubej.apiserver.admission.webhook.Hooks.CONFIGMAPS;
import static io.kubej.apiserver.admission.webhook.Hooks.configuration;
import static io.kubej.apiserver.admission.webhook.Hooks.create;
import static io.kubej.apiserver.admission.webhook.Hooks.object;
import static io.kubej.apiserver.admission.webhook.Hooks.webhookOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.admission.Warnings;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both plugins calling real HTTPS webhooks served by the test (no API server): refusals in
 * upstream's words, patches, order, reinvocation, failure policies, TLS checks, warnings.
 */
class AdmissionWebhookPluginsTest {
    static TestWebhookServer server;
    /** The same server under a Service's name: its certificate names policy.hooks.svc only. */
    static TestWebhookServer serviceServer;

    @BeforeAll
    static void start() throws Exception {
        server = TestWebhookServer.start("127.0.0.1");
        server.answer("/allow", r -> TestWebhookServer.allow());
        server.answer("/deny", r -> TestWebhookServer.deny("settings must be reviewed"));
        server.answer("/deny-429", r -> {
            ObjectNode response = TestWebhookServer.deny("slow down");
            ((ObjectNode) response.path("status")).put("code", 429).put("reason", "TooManyRequests");
            return response;
        });
        server.answer("/label", r -> TestWebhookServer.patch(addLabel(r.path("object"), "stamped", "yes")));
        server.answer("/copy-label", r -> TestWebhookServer.patch(
                addLabel(r.path("object"), "copied", r.path("object").path("metadata").path("labels").path("stamped").asText("missing"))));
        server.answer("/warn", r -> TestWebhookServer.allow().set("warnings", Json.array().add("configmaps are old-fashioned")));
        server.reply("/wrong-uid", r -> Json.bytes(Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview")
                .set("response", TestWebhookServer.allow().put("uid", "someone-else"))));
        server.reply("/slow", r -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{}".getBytes(StandardCharsets.UTF_8);
        });
        server.answer("/validating-patch", r -> TestWebhookServer.patch(addLabel(r.path("object"), "sneaky", "yes")));
        serviceServer = TestWebhookServer.start("policy.hooks.svc");
        serviceServer.answer("/validate", r -> TestWebhookServer.deny("refused via the service"));
    }

    @AfterAll
    static void stop() {
        server.close();
        serviceServer.close();
    }

    /** A JSON patch adding one label (and the labels map when there is none). */
    static ArrayNode addLabel(com.fasterxml.jackson.databind.JsonNode object, String key, String value) {
        ArrayNode ops = Json.array();
        if (!object.path("metadata").has("labels")) {
            ops.addObject().put("op", "add").put("path", "/metadata/labels").putObject("value");
        }
        ops.addObject().put("op", "add").put("path", "/metadata/labels/" + key).put("value", value);
        return ops;
    }

    static ObjectNode config(String configName, String hookName, String path) {
        return configuration(configName, hookName, server.url(path), server.caBundle());
    }

    static WebhookMatcher matcher() {
        return new WebhookMatcher(ns -> Optional.of(object("Namespace", null, ns, Map.of())), () -> List.of(CONFIGMAPS),
                (r, ns, name) -> Optional.empty());
    }

    /** Resolves every Service to the service server's port on 127.0.0.1, as a ClusterIP would. */
    static WebhookClient client() {
        return new WebhookClient(ref -> URI.create("https://127.0.0.1:" + serviceServer.port() + ref.path()));
    }

    static ValidatingAdmissionWebhook validating(ObjectNode... configurations) {
        return new ValidatingAdmissionWebhook(new WebhookSource(ObjectSource.of(List.of(configurations))), matcher(), client());
    }

    static MutatingAdmissionWebhook mutating(ObjectNode... configurations) {
        return new MutatingAdmissionWebhook(new WebhookSource(ObjectSource.of(List.of(configurations))), matcher(), client());
    }

    static Attributes newConfigMap() {
        return create(CONFIGMAPS, "dev", object("ConfigMap", "dev", "settings", Map.of()));
    }

    @Test
    void aRefusalIsForbiddenInUpstreamsWords() {
        assertThatCode(() -> validating(config("a", "allow.example.com", "/allow")).admit(newConfigMap())).doesNotThrowAnyException();
        assertThatThrownBy(() -> validating(config("a", "deny.example.com", "/deny")).admit(newConfigMap()))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.reason()).isEqualTo("Forbidden");
                    assertThat(e.toStatus().path("details").path("kind").asText()).isEqualTo("configmaps");
                })
                .hasMessage("configmaps \"settings\" is forbidden: admission webhook \"deny.example.com\" denied the request: settings must be reviewed");
        assertThat(server.received("/deny").get(0).at("/request/userInfo/username").asText()).isEqualTo("alice");
    }

    @Test
    void aRefusalKeepsTheWebhooksOwnCodeAndReason() {
        assertThatThrownBy(() -> validating(config("a", "busy.example.com", "/deny-429")).admit(newConfigMap()))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.reason()).isEqualTo("TooManyRequests");
                })
                .hasMessageEndingWith("admission webhook \"busy.example.com\" denied the request: slow down");
    }

    @Test
    void anyOneValidatingWebhookCanRefuse() {
        ValidatingAdmissionWebhook plugin = validating(config("a", "allow.example.com", "/allow"), config("b", "deny.example.com", "/deny"));
        assertThatThrownBy(() -> plugin.admit(newConfigMap())).hasMessageContaining("\"deny.example.com\" denied the request");
    }

    @Test
    void aMutatingWebhooksPatchChangesTheObjectInPlace() {
        Attributes a = newConfigMap();
        mutating(config("a", "label.example.com", "/label")).admit(a);
        assertThat(a.object().at("/metadata/labels/stamped").asText()).isEqualTo("yes");
        assertThat(a.object().at("/metadata/name").asText()).isEqualTo("settings");
    }

    @Test
    void mutatingWebhooksRunByConfigurationNameAndEachSeesTheLastOnesObject() {
        // "a-copy" runs first and sees no label yet; "b-label" adds it afterwards
        Attributes first = newConfigMap();
        mutating(config("b-label", "label.example.com", "/label"), config("a-copy", "copy.example.com", "/copy-label")).admit(first);
        assertThat(first.object().at("/metadata/labels/copied").asText()).isEqualTo("missing");
        // renamed so the labeller runs first: the copier sees its label
        Attributes second = newConfigMap();
        mutating(config("a-label", "label.example.com", "/label"), config("b-copy", "copy.example.com", "/copy-label")).admit(second);
        assertThat(second.object().at("/metadata/labels/copied").asText()).isEqualTo("yes");
    }

    @Test
    void anIfNeededWebhookIsReinvokedWhenALaterOneChangedTheObject() {
        ObjectNode copier = config("a-copy", "copy.example.com", "/copy-label");
        webhookOf(copier).put("reinvocationPolicy", "IfNeeded");
        Attributes a = newConfigMap();
        int before = server.received("/copy-label").size();
        mutating(copier, config("b-label", "label.example.com", "/label")).admit(a);
        assertThat(server.received("/copy-label")).hasSize(before + 2);
        // the second call saw the label and replaced the value it had copied
        assertThat(a.object().at("/metadata/labels/copied").asText()).isEqualTo("yes");
    }

    @Test
    void aWebhookThatIsDownFailsClosedOrOpenAsItsPolicySays() throws Exception {
        String down = "https://127.0.0.1:" + TestWebhookServer.closedPort() + "/";
        ObjectNode closed = configuration("a", "down.example.com", down, server.caBundle());
        assertThatThrownBy(() -> validating(closed).admit(newConfigMap()))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.reason()).isEqualTo("InternalError");
                })
                .hasMessageStartingWith("Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"" + down)
                .hasMessageEndingWith("connect: connection refused");
        ObjectNode open = configuration("a", "down.example.com", down, server.caBundle());
        webhookOf(open).put("failurePolicy", "Ignore");
        assertThatCode(() -> validating(open).admit(newConfigMap())).doesNotThrowAnyException();
        Attributes a = newConfigMap();
        assertThatCode(() -> mutating(open).admit(a)).doesNotThrowAnyException();
        assertThat(a.object().path("metadata").has("labels")).isFalse();
    }

    @Test
    void aSlowWebhookTimesOut() {
        ObjectNode slow = config("a", "slow.example.com", "/slow");
        webhookOf(slow).put("timeoutSeconds", 1);
        long started = System.nanoTime();
        assertThatThrownBy(() -> validating(slow).admit(newConfigMap()))
                .hasMessageContaining("failed calling webhook \"slow.example.com\"").hasMessageEndingWith("request timed out");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2900);
    }

    @Test
    void anAnswerToAnotherRequestOrAPatchFromAValidatingWebhookIsAFailure() {
        assertThatThrownBy(() -> validating(config("a", "uid.example.com", "/wrong-uid")).admit(newConfigMap()))
                .hasMessageContaining("failed calling webhook \"uid.example.com\": received invalid webhook response: expected response.uid=");
        assertThatThrownBy(() -> validating(config("a", "patch.example.com", "/validating-patch")).admit(newConfigMap()))
                .hasMessageContaining("validating webhook may not return response.patch");
    }

    @Test
    void theServerCertificateMustChainToTheCaBundle() {
        ObjectNode otherCa = configuration("a", "allow.example.com", server.url("/allow"), serviceServer.caBundle());
        assertThatThrownBy(() -> validating(otherCa).admit(newConfigMap()))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(500))
                .hasMessageContaining("failed calling webhook \"allow.example.com\"");
    }

    @Test
    void aServiceIsReachedAtItsAddressButMustPresentItsServiceName() {
        ObjectNode viaService = configuration("a", "service.example.com", null, serviceServer.caBundle());
        webhookOf(viaService).putObject("clientConfig").put("caBundle", serviceServer.caBundle())
                .putObject("service").put("namespace", "hooks").put("name", "policy").put("path", "/validate").put("port", 443);
        assertThatThrownBy(() -> validating(viaService).admit(newConfigMap()))
                .hasMessageContaining("admission webhook \"service.example.com\" denied the request: refused via the service");

        // a certificate for another service's name is refused, although it chains to the bundle
        ObjectNode wrongName = viaService.deepCopy();
        ((ObjectNode) webhookOf(wrongName).path("clientConfig").path("service")).put("name", "other");
        assertThatThrownBy(() -> validating(wrongName).admit(newConfigMap()))
                .hasMessageContaining("failed calling webhook \"service.example.com\"")
                .hasMessageContaining("not other.hooks.svc");
    }

    @Test
    void warningsReachTheResponse() {
        List<String> warnings = new ArrayList<>();
        Warnings.bind(warnings::add);
        try {
            validating(config("a", "warn.example.com", "/warn")).admit(newConfigMap());
        } finally {
            Warnings.unbind();
        }
        assertThat(warnings).containsExactly("configmaps are old-fashioned");
    }

    @Test
    void aDeleteCannotBePatched() {
        Attributes delete = new Attributes("DELETE", CONFIGMAPS, "", "dev", "settings", null, null, ALICE, false);
        assertThatThrownBy(() -> mutating(config("a", "label.example.com", "/label")).admit(delete))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(500))
                .hasMessageContaining("attempted to modify the object, which is not supported for this operation");
    }
}
