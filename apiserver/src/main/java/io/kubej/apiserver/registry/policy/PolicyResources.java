package io.kubej.apiserver.registry.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudgets (upstream {@code pkg/registry/policy/poddisruptionbudget}):
 * how many of a set of pods voluntary disruptions (evictions, drains) must leave running,
 * as minAvailable or maxUnavailable, never both.
 */
public final class PolicyResources {
    private PolicyResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("policy", "v1", "PodDisruptionBudget").shortNames("pdb").model(PodDisruptionBudget.class)
                .strategy(SimpleStrategy.builder()
                        .initialStatus(o -> o.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0)
                                .put("desiredHealthy", 0).put("expectedPods", 0))
                        .validate(PolicyResources::validate)
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the budget"),
                        Column.of("Min Available", "string", "Pods that must stay"), Column.of("Max Unavailable", "string", "Pods that may go"),
                        Column.of("Allowed Disruptions", "integer", "Evictions allowed now"), Column.of("Age", "string", "Time since creation")),
                        (p, now) -> List.of(TableConvertor.name(p), p.path("spec").path("minAvailable").asText("N/A"),
                                p.path("spec").path("maxUnavailable").asText("N/A"), p.path("status").path("disruptionsAllowed").asLong(0),
                                TableConvertor.age(p, now))))
                .subresource(StatusSubresource.INSTANCE)
                .build());
    }

    static List<Cause> validate(ObjectNode pdb) {
        var spec = pdb.path("spec");
        if (spec.has("minAvailable") && spec.has("maxUnavailable")) {
            return List.of(Validation.invalid("spec", spec.toString(), "minAvailable and maxUnavailable cannot be both set"));
        }
        return List.of();
    }
}
