package io.kubej.apiserver.admission.webhook;

import static io.kubej.apiserver.admission.webhook.Hooks.ALICE;
import static io.kubej.apiserver.admission.webhook.Hooks.CONFIGMAPS;
import static io.kubej.apiserver.admission.webhook.Hooks.NAMESPACES;
import static io.kubej.apiserver.admission.webhook.Hooks.NODES;
import static io.kubej.apiserver.admission.webhook.Hooks.configuration;
import static io.kubej.apiserver.admission.webhook.Hooks.create;
import static io.kubej.apiserver.admission.webhook.Hooks.object;
import static io.kubej.apiserver.admission.webhook.Hooks.webhookOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookMatcherTest {
    static final Map<String, ObjectNode> NAMESPACE_OBJECTS = Map.of(
            "prod", object("Namespace", null, "prod", Map.of("env", "prod")),
            "dev", object("Namespace", null, "dev", Map.of("env", "dev")));

    static WebhookMatcher matcher(List<Resource> served) {
        return new WebhookMatcher(name -> Optional.ofNullable(NAMESPACE_OBJECTS.get(name)), () -> served,
                (r, ns, name) -> Optional.of(object("ConfigMap", ns, name, Map.of("team", "payments"))));
    }

    static WebhookMatcher matcher() {
        return matcher(List.of(CONFIGMAPS));
    }

    static Webhook hook(ObjectNode configuration) {
        return Webhook.of(configuration).get(0);
    }

    /** A configmaps webhook whose namespaceSelector or objectSelector asks for label key=value. */
    static Webhook selecting(String selector, String key, String value) {
        ObjectNode c = configuration("c", "select.example.com", "https://127.0.0.1:1/", "");
        webhookOf(c).putObject(selector).putObject("matchLabels").put(key, value);
        // also on every resource, so namespaces and nodes reach the selectors
        ((com.fasterxml.jackson.databind.node.ArrayNode) webhookOf(c).path("rules").get(0).path("resources")).add("namespaces").add("nodes");
        return hook(c);
    }

    static boolean selected(Webhook hook, Attributes a) {
        WebhookMatcher m = matcher();
        return m.byRules(hook, a).isPresent() && m.bySelectors(hook, a, a.object(), m.oldObject(a));
    }

    @Test
    void aNamespacedObjectIsJudgedByItsNamespacesLabels() {
        Webhook prodOnly = selecting("namespaceSelector", "env", "prod");
        assertThat(selected(prodOnly, create(CONFIGMAPS, "prod", object("ConfigMap", "prod", "a", Map.of())))).isTrue();
        assertThat(selected(prodOnly, create(CONFIGMAPS, "dev", object("ConfigMap", "dev", "a", Map.of())))).isFalse();
        assertThatThrownBy(() -> selected(prodOnly, create(CONFIGMAPS, "gone", object("ConfigMap", "gone", "a", Map.of()))))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(500))
                .hasMessageContaining("namespace \"gone\" not found");
    }

    @Test
    void aNamespaceIsJudgedByItsOwnLabelsAndOtherClusterScopedObjectsAlwaysMatch() {
        Webhook prodOnly = selecting("namespaceSelector", "env", "prod");
        assertThat(selected(prodOnly, create(NAMESPACES, null, object("Namespace", null, "shop", Map.of("env", "prod"))))).isTrue();
        assertThat(selected(prodOnly, create(NAMESPACES, null, object("Namespace", null, "shop", Map.of("env", "test"))))).isFalse();
        assertThat(selected(prodOnly, create(NODES, null, object("Node", null, "worker-0", Map.of()))))
                .as("a cluster-scoped object other than a namespace never skips the webhook").isTrue();
    }

    @Test
    void theObjectSelectorMatchesTheObjectOrTheOldObject() {
        Webhook payments = selecting("objectSelector", "team", "payments");
        ObjectNode labelled = object("ConfigMap", "dev", "a", Map.of("team", "payments"));
        ObjectNode unlabelled = object("ConfigMap", "dev", "a", Map.of());
        assertThat(selected(payments, create(CONFIGMAPS, "dev", labelled))).isTrue();
        assertThat(selected(payments, create(CONFIGMAPS, "dev", unlabelled))).isFalse();
        // removing the label is still seen by the webhook: the old object matches
        Attributes removing = new Attributes("UPDATE", CONFIGMAPS, "", "dev", "a", unlabelled, labelled, ALICE, false);
        assertThat(selected(payments, removing)).isTrue();
        // a DELETE is judged by the stored object, which the matcher reads
        Attributes delete = new Attributes("DELETE", CONFIGMAPS, "", "dev", "a", null, null, ALICE, false);
        assertThat(matcher().oldObject(delete).path("metadata").path("labels").path("team").asText()).isEqualTo("payments");
        assertThat(selected(payments, delete)).isTrue();
    }

    @Test
    void emptySelectorsSelectEverything() {
        Webhook all = hook(configuration("c", "all.example.com", "https://127.0.0.1:1/", ""));
        assertThat(selected(all, create(CONFIGMAPS, "gone", object("ConfigMap", "gone", "a", Map.of()))))
                .as("no namespace lookup for an empty namespaceSelector").isTrue();
    }

    @Test
    void webhookConfigurationsAreNeverSentToWebhooks() {
        ObjectNode c = configuration("c", "everything.example.com", "https://127.0.0.1:1/", "");
        ObjectNode rule = (ObjectNode) webhookOf(c).path("rules").get(0);
        rule.putArray("apiGroups").add("*");
        rule.putArray("resources").add("*/*");
        Webhook everything = hook(c);
        ObjectNode config = object("ValidatingWebhookConfiguration", null, "x", Map.of());
        Attributes a = create(Hooks.VALIDATING_CONFIGS, null, config);
        assertThat(matcher().byRules(everything, a)).as("the rules alone would match").isPresent();
        assertThat(matcher().candidates(List.of(everything), a)).isEmpty();
        assertThat(matcher().candidates(List.of(everything), create(CONFIGMAPS, "dev", object("ConfigMap", "dev", "a", Map.of()))))
                .hasSize(1);
    }

    @Test
    void equivalentMatchingFindsTheSameResourceInAnotherVersion() {
        Resource v1 = Resource.builder("example.com", "v1", "Widget").etcdResource("example.com/widgets").strategy(new RESTStrategy() { }).build();
        Resource v2 = Resource.builder("example.com", "v2", "Widget").etcdResource("example.com/widgets").strategy(new RESTStrategy() { }).build();
        ObjectNode c = configuration("c", "widgets.example.com", "https://127.0.0.1:1/", "");
        ObjectNode rule = (ObjectNode) webhookOf(c).path("rules").get(0);
        rule.putArray("apiGroups").add("example.com");
        rule.putArray("resources").add("widgets");
        ObjectNode widget = object("Widget", "dev", "w", Map.of()).put("apiVersion", "example.com/v2");
        Attributes a = create(v2, "dev", widget);

        Optional<Invocation> equivalent = matcher(List.of(v1, v2)).byRules(hook(c), a);
        assertThat(equivalent).isPresent();
        assertThat(equivalent.get().resource().version()).isEqualTo("v1");
        // the webhook sees the object, and is told the kind, in the version it asked for
        ObjectNode review = AdmissionReview.request("u", equivalent.get(), a, widget, null);
        assertThat(review.at("/request/kind/version").asText()).isEqualTo("v1");
        assertThat(review.at("/request/requestKind/version").asText()).isEqualTo("v2");
        assertThat(review.at("/request/object/apiVersion").asText()).isEqualTo("example.com/v1");
        assertThat(widget.path("apiVersion").asText()).as("the request's own object is untouched").isEqualTo("example.com/v2");

        webhookOf(c).put("matchPolicy", "Exact");
        assertThat(matcher(List.of(v1, v2)).byRules(hook(c), a)).isEmpty();
    }

    @Test
    void theReviewSaysWhatIsAskedAndByWhom() {
        Webhook hook = hook(configuration("c", "review.example.com", "https://127.0.0.1:1/", ""));
        ObjectNode cm = object("ConfigMap", "dev", "settings", Map.of());
        Attributes a = new Attributes("CREATE", CONFIGMAPS, "", "dev", "settings", cm, null, ALICE, true);
        ObjectNode request = (ObjectNode) AdmissionReview.request("uid-7", new Invocation(hook, CONFIGMAPS), a, cm, null).path("request");
        assertThat(request.path("uid").asText()).isEqualTo("uid-7");
        assertThat(request.path("kind").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"}");
        assertThat(request.path("resource").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"configmaps\"}");
        assertThat(request.has("subResource")).isFalse();
        assertThat(request.path("name").asText()).isEqualTo("settings");
        assertThat(request.path("namespace").asText()).isEqualTo("dev");
        assertThat(request.path("operation").asText()).isEqualTo("CREATE");
        assertThat(request.path("userInfo").toString())
                .isEqualTo("{\"username\":\"alice\",\"uid\":\"uid-1\",\"groups\":[\"devs\",\"system:authenticated\"],\"extra\":{\"scopes\":[\"a\",\"b\"]}}");
        assertThat(request.path("object")).isEqualTo(cm);
        assertThat(request.has("oldObject")).isFalse();
        assertThat(request.path("dryRun").asBoolean()).isTrue();
        assertThat(request.path("options").toString())
                .isEqualTo("{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"CreateOptions\",\"dryRun\":[\"All\"]}");
    }
}
