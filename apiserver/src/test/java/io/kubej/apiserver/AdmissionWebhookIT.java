package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.webhook.TestWebhookServer;
import io.kubej.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic admission control end to end: webhooks served over HTTPS by this test (a certificate
 * from a CA of the test's own), registered through the API with that CA as their caBundle, and
 * a real etcd and API server with the hard way's flags calling them for ConfigMaps. Each test
 * keeps its webhooks to its own namespace with a namespaceSelector on
 * {@code kubernetes.io/metadata.name}, so the tests do not see each other's webhooks.
 */
class AdmissionWebhookIT {
    static final String REJECT_MESSAGE = "configmaps labelled webhook-test=reject are not allowed";

    @TempDir
    static Path dir;
    static ApiServerUnderTest api;
    static TestWebhookServer hooks;

    @BeforeAll
    static void start() throws Exception {
        api = ApiServerUnderTest.start(dir);
        hooks = TestWebhookServer.start("127.0.0.1");
        hooks.answer("/deny", r -> TestWebhookServer.deny(REJECT_MESSAGE));
        hooks.answer("/label", r -> {
            ArrayNode ops = Json.array();
            if (!r.path("object").path("metadata").has("labels")) {
                ops.addObject().put("op", "add").put("path", "/metadata/labels").putObject("value");
            }
            ops.addObject().put("op", "add").put("path", "/metadata/labels/stamped-by").put("value", "test-webhook");
            ObjectNode response = TestWebhookServer.patch(ops);
            response.putArray("warnings").add("stamped by the test webhook");
            return response;
        });
    }

    @AfterAll
    static void stop() {
        if (hooks != null) {
            hooks.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /** A configuration with one webhook for creates and updates of ConfigMaps in {@code namespace}. */
    static ObjectNode configuration(String kind, String name, String hookName, String url, String namespace) {
        ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1").put("kind", kind);
        Json.metadata(c).put("name", name);
        ObjectNode w = c.putArray("webhooks").addObject().put("name", hookName).put("sideEffects", "None");
        w.putArray("admissionReviewVersions").add("v1");
        w.putObject("clientConfig").put("url", url).put("caBundle", hooks.caBundle());
        ObjectNode rule = w.putArray("rules").addObject();
        rule.putArray("operations").add("CREATE").add("UPDATE");
        rule.putArray("apiGroups").add("");
        rule.putArray("apiVersions").add("v1");
        rule.putArray("resources").add("configmaps");
        w.putObject("namespaceSelector").putObject("matchLabels").put("kubernetes.io/metadata.name", namespace);
        return c;
    }

    static JsonNode register(String plural, ObjectNode configuration) throws Exception {
        ApiServerUnderTest.Http created = api.send("POST", "/apis/admissionregistration.k8s.io/v1/" + plural, "application/json",
                Json.bytes(configuration), false);
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        return Json.MAPPER.readTree(created.body());
    }

    static ObjectNode configMap(String name, String labelValue) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = Json.metadata(cm).put("name", name);
        if (labelValue != null) {
            meta.putObject("labels").put("webhook-test", labelValue);
        }
        cm.putObject("data").put("greeting", "hello");
        return cm;
    }

    static ApiServerUnderTest.Http createConfigMap(String namespace, ObjectNode cm, boolean withHeaders) throws Exception {
        return api.send("POST", "/api/v1/namespaces/" + namespace + "/configmaps", "application/json", Json.bytes(cm), withHeaders);
    }

    static String newName() {
        return "cm-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aValidatingWebhookRejectsALabelledConfigMapWithItsMessageAndNeverSeesUnlabelledOnes() throws Exception {
        String ns = api.newNamespace();
        ObjectNode c = configuration("ValidatingWebhookConfiguration", "reject-" + ns, "reject.webhooks.kubej.io", hooks.url("/deny"), ns);
        ((ObjectNode) c.path("webhooks").get(0)).putObject("objectSelector").putObject("matchLabels").put("webhook-test", "reject");
        JsonNode stored = register("validatingwebhookconfigurations", c);
        // upstream's defaults were filled in
        assertThat(stored.at("/webhooks/0/failurePolicy").asText()).isEqualTo("Fail");
        assertThat(stored.at("/webhooks/0/timeoutSeconds").asInt()).isEqualTo(10);
        assertThat(stored.at("/webhooks/0/matchPolicy").asText()).isEqualTo("Equivalent");

        // the plugin reads configurations from its informer: wait until it has seen this one
        await().atMost(Duration.ofSeconds(20)).until(() -> createConfigMap(ns, configMap(newName(), "reject"), false).code() == 403);
        ApiServerUnderTest.Http refused = createConfigMap(ns, configMap("refused", "reject"), false);
        assertThat(refused.code()).isEqualTo(403);
        JsonNode status = Json.MAPPER.readTree(refused.body());
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("message").asText()).isEqualTo("configmaps \"refused\" is forbidden: admission webhook "
                + "\"reject.webhooks.kubej.io\" denied the request: " + REJECT_MESSAGE);
        assertThat(api.client.configMaps().inNamespace(ns).withName("refused").get()).isNull();
        // what kubectl shows
        ApiServerUnderTest.Result kubectl = api.apply(ns, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: from-kubectl
                  labels:
                    webhook-test: reject
                data:
                  greeting: hello
                """);
        assertThat(kubectl.exit()).isNotZero();
        assertThat(kubectl.out()).contains("Error from server (Forbidden)")
                .contains("admission webhook \"reject.webhooks.kubej.io\" denied the request: " + REJECT_MESSAGE);

        // unlabelled, or labelled otherwise: the objectSelector keeps the webhook from being asked at all
        int asked = hooks.received("/deny").size();
        assertThat(createConfigMap(ns, configMap("plain", null), false).code()).isEqualTo(201);
        assertThat(createConfigMap(ns, configMap("accepted", "accept"), false).code()).isEqualTo(201);
        assertThat(hooks.received("/deny")).hasSize(asked);
        // ... until an update adds the label
        ApiServerUnderTest.Http relabel = api.send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/plain",
                "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"webhook-test\":\"reject\"}}}".getBytes(StandardCharsets.UTF_8), false);
        assertThat(relabel.code()).isEqualTo(403);
        JsonNode review = hooks.received("/deny").getLast().path("request");
        assertThat(review.path("operation").asText()).isEqualTo("UPDATE");
        assertThat(review.at("/object/metadata/labels/webhook-test").asText()).isEqualTo("reject");
        assertThat(review.at("/oldObject/metadata/name").asText()).isEqualTo("plain");
        assertThat(review.at("/userInfo/username").asText()).isEqualTo("admin");
        assertThat(api.client.configMaps().inNamespace(ns).withName("plain").get().getMetadata().getLabels()).isNullOrEmpty();

        assertThat(api.curl("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/reject-" + ns).code())
                .isEqualTo(200);
    }

    @Test
    void aMutatingWebhookAddsALabelThatIsStored() throws Exception {
        String ns = api.newNamespace();
        register("mutatingwebhookconfigurations",
                configuration("MutatingWebhookConfiguration", "stamp-" + ns, "stamp.webhooks.kubej.io", hooks.url("/label"), ns));
        await().atMost(Duration.ofSeconds(20)).until(() -> createConfigMap(ns, configMap(newName(), null), false)
                .body().contains("\"stamped-by\":\"test-webhook\""));

        ApiServerUnderTest.Http created = createConfigMap(ns, configMap("stamped", "keep"), true);
        assertThat(created.code()).isEqualTo(201);
        // the webhook's warning reaches the client as a Warning header
        assertThat(created.body()).containsIgnoringCase("Warning: 299 - \"stamped by the test webhook\"");
        var stored = api.client.configMaps().inNamespace(ns).withName("stamped").get();
        assertThat(stored.getMetadata().getLabels()).containsEntry("stamped-by", "test-webhook").containsEntry("webhook-test", "keep");
        assertThat(stored.getData()).containsEntry("greeting", "hello");

        JsonNode review = hooks.received("/label").getLast().path("request");
        assertThat(review.path("kind").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"}");
        assertThat(review.path("namespace").asText()).isEqualTo(ns);
        assertThat(review.path("name").asText()).isEqualTo("stamped");
        assertThat(review.path("userInfo").path("groups").toString()).contains("system:masters");

        // a namespace the selector does not pick is left alone
        String other = api.newNamespace();
        assertThat(createConfigMap(other, configMap("untouched", null), false).body()).doesNotContain("stamped-by");

        assertThat(api.curl("DELETE", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/stamp-" + ns).code())
                .isEqualTo(200);
    }

    @Test
    void aWebhookThatIsDownFailsClosedWithFailAndOpenWithIgnore() throws Exception {
        String ns = api.newNamespace();
        String down = "https://127.0.0.1:" + TestWebhookServer.closedPort() + "/validate";
        String name = "down-" + ns;
        JsonNode stored = register("validatingwebhookconfigurations",
                configuration("ValidatingWebhookConfiguration", name, "down.webhooks.kubej.io", down, ns));
        assertThat(stored.at("/webhooks/0/failurePolicy").asText()).isEqualTo("Fail");

        // failurePolicy Fail (the default): nothing gets in while the webhook cannot be asked
        await().atMost(Duration.ofSeconds(20)).until(() -> createConfigMap(ns, configMap(newName(), null), false).code() == 500);
        ApiServerUnderTest.Http closed = createConfigMap(ns, configMap("closed", null), false);
        assertThat(closed.code()).isEqualTo(500);
        JsonNode status = Json.MAPPER.readTree(closed.body());
        assertThat(status.path("reason").asText()).isEqualTo("InternalError");
        assertThat(status.path("message").asText())
                .startsWith("Internal error occurred: failed calling webhook \"down.webhooks.kubej.io\": failed to call webhook: Post \"" + down)
                .endsWith("connect: connection refused");
        assertThat(api.client.configMaps().inNamespace(ns).withName("closed").get()).isNull();

        // failurePolicy Ignore: the same webhook is skipped
        ApiServerUnderTest.Http patched = api.send("PATCH", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + name,
                "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Ignore\"}]".getBytes(StandardCharsets.UTF_8), false);
        assertThat(patched.code()).as(patched.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> createConfigMap(ns, configMap(newName(), null), false).code() == 201);
        assertThat(createConfigMap(ns, configMap("open", null), false).code()).isEqualTo(201);
        assertThat(api.client.configMaps().inNamespace(ns).withName("open").get()).isNotNull();

        assertThat(api.curl("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + name).code())
                .isEqualTo(200);
    }

    @Test
    void anInvalidConfigurationIsRefusedWithItsFields() throws Exception {
        ObjectNode c = configuration("ValidatingWebhookConfiguration", "invalid", "no-dots", "http://127.0.0.1/validate", "default");
        ((ObjectNode) c.path("webhooks").get(0)).remove("sideEffects");
        ApiServerUnderTest.Http refused = api.send("POST", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
                "application/json", Json.bytes(c), false);
        assertThat(refused.code()).isEqualTo(422);
        JsonNode causes = Json.MAPPER.readTree(refused.body()).at("/details/causes");
        assertThat(causes.findValuesAsText("field")).containsExactlyInAnyOrder("webhooks[0].name", "webhooks[0].sideEffects",
                "webhooks[0].clientConfig.url");
        // discovery lists the group, so kubectl knows the kinds
        assertThat(api.kubectl("api-resources", "--api-group=admissionregistration.k8s.io").out())
                .contains("mutatingwebhookconfigurations").contains("validatingwebhookconfigurations");
    }
}
