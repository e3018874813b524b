package io.kubej.apiserver.admission.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.apiserver.admission.webhook.Rules.Request;
import io.kubej.apiserver.admission.webhook.Webhook.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesTest {
    static Rule rule(List<String> operations, List<String> groups, List<String> versions, List<String> resources, String scope) {
        return new Rule(operations, groups, versions, resources, scope);
    }

    static Rule resources(String... resources) {
        return rule(List.of("*"), List.of("*"), List.of("*"), List.of(resources), "*");
    }

    static Request pods(String subresource) {
        return new Request("CREATE", "", "v1", "pods", subresource, true);
    }

    @Test
    void operationGroupAndVersionMustEachBeListedOrWildcarded() {
        Rule createConfigMaps = rule(List.of("CREATE"), List.of(""), List.of("v1"), List.of("configmaps"), "*");
        assertThat(Rules.matches(createConfigMaps, new Request("CREATE", "", "v1", "configmaps", "", true))).isTrue();
        assertThat(Rules.matches(createConfigMaps, new Request("UPDATE", "", "v1", "configmaps", "", true))).isFalse();
        assertThat(Rules.matches(createConfigMaps, new Request("CREATE", "apps", "v1", "configmaps", "", true))).isFalse();
        assertThat(Rules.matches(createConfigMaps, new Request("CREATE", "", "v2", "configmaps", "", true))).isFalse();
        assertThat(Rules.matches(createConfigMaps, new Request("CREATE", "", "v1", "secrets", "", true))).isFalse();

        Rule anything = rule(List.of("*"), List.of("*"), List.of("*"), List.of("deployments"), "*");
        assertThat(Rules.matches(anything, new Request("DELETE", "apps", "v1", "deployments", "", true))).isTrue();
    }

    @Test
    void aResourceAloneNeverCoversItsSubresources() {
        assertThat(Rules.matches(resources("pods"), pods(""))).isTrue();
        assertThat(Rules.matches(resources("pods"), pods("status"))).isFalse();
        assertThat(Rules.matches(resources("pods/status"), pods("status"))).isTrue();
        assertThat(Rules.matches(resources("pods/status"), pods(""))).isFalse();
        assertThat(Rules.matches(resources("pods/status"), pods("binding"))).isFalse();
    }

    @Test
    void wildcardsCoverResourcesSubresourcesOrBoth() {
        assertThat(Rules.matches(resources("*"), pods(""))).isTrue();
        assertThat(Rules.matches(resources("*"), pods("status"))).as("* is every resource, no subresource").isFalse();
        assertThat(Rules.matches(resources("pods/*"), pods("eviction"))).isTrue();
        assertThat(Rules.matches(resources("pods/*"), pods(""))).as("pods/* includes pods themselves").isTrue();
        Request scale = new Request("UPDATE", "apps", "v1", "deployments", "scale", true);
        assertThat(Rules.matches(resources("*/scale"), scale)).isTrue();
        assertThat(Rules.matches(resources("*/scale"), pods("status"))).isFalse();
        assertThat(Rules.matches(resources("*/*"), scale)).isTrue();
        assertThat(Rules.matches(resources("*/*"), pods(""))).isTrue();
    }

    @Test
    void scopeSeparatesNamespacedFromClusterScopedResources() {
        Request node = new Request("CREATE", "", "v1", "nodes", "", false);
        Rule cluster = rule(List.of("*"), List.of("*"), List.of("*"), List.of("*"), "Cluster");
        Rule namespaced = rule(List.of("*"), List.of("*"), List.of("*"), List.of("*"), "Namespaced");
        assertThat(Rules.matches(cluster, node)).isTrue();
        assertThat(Rules.matches(cluster, pods(""))).isFalse();
        assertThat(Rules.matches(namespaced, pods(""))).isTrue();
        assertThat(Rules.matches(namespaced, node)).isFalse();
        assertThat(Rules.matches(resources("*"), node)).as("scope * is both").isTrue();
    }

    @Test
    void aWebhookMatchesWhenAnyOfItsRulesDoes() {
        assertThat(Rules.anyMatches(List.of(resources("secrets"), resources("pods")), pods(""))).isTrue();
        assertThat(Rules.anyMatches(List.of(resources("secrets")), pods(""))).isFalse();
        assertThat(Rules.anyMatches(List.of(), pods(""))).isFalse();
    }
}
