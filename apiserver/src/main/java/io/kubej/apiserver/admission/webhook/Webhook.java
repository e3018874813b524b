package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * One webhook of a stored configuration, read once into the shape the plugins use (upstream
 * {@code webhook.WebhookAccessor}): its rules, selectors, policies and how to reach it. The
 * configuration was defaulted and validated when it was stored, so every field is here.
 *
 * @param configuration the name of the Mutating- or ValidatingWebhookConfiguration it belongs to
 * @param name          the webhook's own name (imagepolicy.kubernetes.io), as error messages quote it
 */
public record Webhook(String configuration, String name, List<Rule> rules, String matchPolicy,
                      LabelSelector namespaceSelector, LabelSelector objectSelector, String failurePolicy,
                      String sideEffects, int timeoutSeconds, String reinvocationPolicy, ClientConfig clientConfig) {

    /**
     * Which requests a webhook is sent (upstream {@code RuleWithOperations}): every list may be
     * {@code ["*"]}; resources may name subresources ({@code pods/status}, {@code pods/*}, {@code *}{@code /*}).
     *
     * @param scope {@code Cluster}, {@code Namespaced} or {@code *}
     */
    public record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions, List<String> resources,
                       String scope) {
    }

    /**
     * Where the webhook listens: an https {@code url}, or a {@code service} in the cluster;
     * {@code caBundle} is the base64 PEM the server's certificate must chain to (empty: the
     * JDK's trusted roots).
     */
    public record ClientConfig(String url, ServiceReference service, String caBundle) {
    }

    /** A Service as a webhook's address: {@code https://<name>.<namespace>.svc:<port><path>}. */
    public record ServiceReference(String namespace, String name, String path, int port) {
        /** The name the webhook's certificate must carry. */
        public String serverName() {
            return name + "." + namespace + ".svc";
        }
    }

    public boolean failOpen() {
        return "Ignore".equals(failurePolicy);
    }

    public boolean reinvokeIfNeeded() {
        return "IfNeeded".equals(reinvocationPolicy);
    }

    /** The webhooks of one configuration, in their order. */
    static List<Webhook> of(JsonNode configuration) {
        String configName = configuration.path("metadata").path("name").asText();
        List<Webhook> out = new ArrayList<>();
        for (JsonNode w : configuration.path("webhooks")) {
            out.add(new Webhook(configName, w.path("name").asText(), rules(w.path("rules")),
                    w.path("matchPolicy").asText("Equivalent"), selector(w.path("namespaceSelector")),
                    selector(w.path("objectSelector")), w.path("failurePolicy").asText("Fail"),
                    w.path("sideEffects").asText(""), w.path("timeoutSeconds").asInt(10),
                    w.path("reinvocationPolicy").asText("Never"), clientConfig(w.path("clientConfig"))));
        }
        return out;
    }

    private static List<Rule> rules(JsonNode rules) {
        List<Rule> out = new ArrayList<>();
        for (JsonNode r : rules) {
            out.add(new Rule(strings(r.path("operations")), strings(r.path("apiGroups")), strings(r.path("apiVersions")),
                    strings(r.path("resources")), r.path("scope").asText("*")));
        }
        return out;
    }

    /** metav1.LabelSelector (matchLabels and matchExpressions) as the parsed selector lists use. */
    private static LabelSelector selector(JsonNode selector) {
        return LabelSelector.parse(ReplicaSetStrategy.selectorString(selector));
    }

    private static ClientConfig clientConfig(JsonNode c) {
        JsonNode s = c.path("service");
        ServiceReference service = s.isObject() ? new ServiceReference(s.path("namespace").asText(), s.path("name").asText(),
                s.path("path").asText(""), s.path("port").asInt(443)) : null;
        return new ClientConfig(c.hasNonNull("url") ? c.path("url").asText() : null, service, c.path("caBundle").asText(""));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }
}
