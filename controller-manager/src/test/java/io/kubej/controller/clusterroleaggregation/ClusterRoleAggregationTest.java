package io.kubej.controller.clusterroleaggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterRoleAggregationTest {
    static PolicyRule rule(String resource, String verb) {
        return new PolicyRuleBuilder().withApiGroups("").withResources(resource).withVerbs(verb).build();
    }

    static ClusterRole role(String name, Map<String, String> labels, PolicyRule... rules) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withRules(rules).build();
    }

    static final ClusterRole ADMIN = new ClusterRoleBuilder().withNewMetadata().withName("admin").endMetadata()
            .withNewAggregationRule().addNewClusterRoleSelector().addToMatchLabels("rbac.authorization.k8s.io/aggregate-to-admin", "true")
            .endClusterRoleSelector().endAggregationRule().build();

    @Test
    void anAggregatedRoleGetsTheUnionOfTheSelectedRolesRulesEachOnceInNameOrder() {
        Map<String, String> toAdmin = Map.of("rbac.authorization.k8s.io/aggregate-to-admin", "true");
        List<ClusterRole> all = List.of(ADMIN,
                role("z-crd", toAdmin, rule("widgets", "get"), rule("pods", "get")),
                role("a-base", toAdmin, rule("pods", "get")),
                role("unrelated", Map.of("x", "y"), rule("secrets", "get")));
        assertThat(ClusterRoleAggregationController.aggregate(ADMIN, all)).containsExactly(rule("pods", "get"), rule("widgets", "get"));
    }

    @Test
    void nothingSelectedMeansNoRules() {
        assertThat(ClusterRoleAggregationController.aggregate(ADMIN, List.of(ADMIN, role("u", Map.of(), rule("pods", "get"))))).isEmpty();
    }
}
