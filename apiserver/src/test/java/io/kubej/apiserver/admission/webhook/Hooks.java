package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Map;

/** Webhook configurations, resources and requests for the unit tests of this package. */
final class Hooks {
    static final Resource CONFIGMAPS = Resource.builder("", "v1", "ConfigMap").strategy(new RESTStrategy() { }).build();
    static final Resource NAMESPACES = Resource.builder("", "v1", "Namespace").clusterScoped().strategy(new RESTStrategy() { }).build();
    static final Resource NODES = Resource.builder("", "v1", "Node").clusterScoped().strategy(new RESTStrategy() { }).build();
    static final Resource VALIDATING_CONFIGS = Resource.builder("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration")
            .plural("validatingwebhookconfigurations").clusterScoped().strategy(new RESTStrategy() { }).build();
    static final UserInfo ALICE = new UserInfo("alice", "uid-1", List.of("devs", UserInfo.ALL_AUTHENTICATED), Map.of("scopes", List.of("a", "b")));

    private Hooks() {
    }

    /** A configuration with one webhook named {@code name} at {@code url}, on every operation of configmaps. */
    static ObjectNode configuration(String configName, String name, String url, String caBundle) {
        ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1").put("kind", "ValidatingWebhookConfiguration");
        Json.metadata(c).put("name", configName);
        c.putArray("webhooks").add(webhook(name, url, caBundle));
        return c;
    }

    static ObjectNode webhook(String name, String url, String caBundle) {
        ObjectNode w = Json.object().put("name", name).put("sideEffects", "None").put("failurePolicy", "Fail")
                .put("matchPolicy", "Equivalent").put("timeoutSeconds", 5);
        w.putArray("admissionReviewVersions").add("v1");
        w.putObject("clientConfig").put("url", url).put("caBundle", caBundle);
        ObjectNode rule = w.putArray("rules").addObject().put("scope", "*");
        rule.putArray("operations").add("*");
        rule.putArray("apiGroups").add("");
        rule.putArray("apiVersions").add("v1");
        rule.putArray("resources").add("configmaps");
        w.putObject("namespaceSelector");
        w.putObject("objectSelector");
        return w;
    }

    static ObjectNode webhookOf(ObjectNode configuration) {
        return (ObjectNode) configuration.path("webhooks").get(0);
    }

    static ObjectNode object(String kind, String namespace, String name, Map<String, String> labels) {
        ObjectNode o = Json.object().put("apiVersion", "v1").put("kind", kind);
        ObjectNode meta = Json.metadata(o).put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        if (!labels.isEmpty()) {
            ObjectNode l = meta.putObject("labels");
            labels.forEach(l::put);
        }
        return o;
    }

    static Attributes create(Resource r, String namespace, ObjectNode object) {
        return new Attributes("CREATE", r, "", namespace, object.path("metadata").path("name").asText(), object, null, ALICE, false);
    }
}
