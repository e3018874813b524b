package io.kubej.apiserver.registry.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;

/**
 * autoscaling/v2 HorizontalPodAutoscalers (upstream {@code pkg/registry/autoscaling}): scale a
 * target's {@code /scale} between minReplicas (default 1) and maxReplicas. kubej serves v2
 * only: serving v1 as well needs conversion between the two versions' shapes, which the
 * registry does not do yet (discovery therefore lists autoscaling/v2 alone).
 */
public final class AutoscalingResources {
    private AutoscalingResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("autoscaling", "v2", "HorizontalPodAutoscaler").shortNames("hpa").categories("all")
                .model(HorizontalPodAutoscaler.class)
                .strategy(SimpleStrategy.builder()
                        .defaults(h -> WorkloadRules.putIfAbsent(io.kubej.apiserver.api.Json.obj(h, "spec"), "minReplicas", 1))
                        .validate(h -> Validation.requireField(h, "spec.scaleTargetRef.kind"))
                        .validate(h -> Validation.requireField(h, "spec.scaleTargetRef.name"))
                        .validate(h -> h.path("spec").path("maxReplicas").asInt(0) < h.path("spec").path("minReplicas").asInt(1)
                                ? List.of(Validation.invalid("spec.maxReplicas", h.path("spec").path("maxReplicas").asInt(0),
                                        "must be greater than or equal to `minReplicas`")) : List.of())
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the autoscaler"),
                        Column.of("Reference", "string", "What it scales"), Column.of("Targets", "string", "Metric targets"),
                        Column.of("MinPods", "string", "Lower bound"), Column.of("MaxPods", "integer", "Upper bound"),
                        Column.of("Replicas", "integer", "Current replicas"), Column.of("Age", "string", "Time since creation")),
                        (h, now) -> List.of(TableConvertor.name(h),
                                h.path("spec").path("scaleTargetRef").path("kind").asText() + "/" + h.path("spec").path("scaleTargetRef").path("name").asText(),
                                h.path("spec").path("metrics").isEmpty() ? "<none>" : h.path("spec").path("metrics").size() + " metric(s)",
                                h.path("spec").path("minReplicas").asText("1"), h.path("spec").path("maxReplicas").asLong(),
                                h.path("status").path("currentReplicas").asLong(0), TableConvertor.age(h, now))))
                .subresource(StatusSubresource.INSTANCE)
                .build());
    }
}
