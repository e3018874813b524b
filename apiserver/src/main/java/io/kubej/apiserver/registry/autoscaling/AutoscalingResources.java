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
 * HorizontalPodAutoscalers (upstream {@code pkg/registry/autoscaling}): scale a target's
 * {@code /scale} between minReplicas (default 1) and maxReplicas. Stored as autoscaling/v2;
 * autoscaling/v1 (what {@code kubectl autoscale} writes) is served from the same storage through
 * {@link HorizontalPodAutoscalerV1#TO_V2}. v2 is registered first, so it is the preferred version.
 */
public final class AutoscalingResources {
    private AutoscalingResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("autoscaling", "v2", "HorizontalPodAutoscaler").shortNames("hpa").categories("all")
                .model(HorizontalPodAutoscaler.class)
                .strategy(strategy())
                .table(table())
                .subresource(StatusSubresource.INSTANCE)
                .build(),
                Resource.builder("autoscaling", "v1", "HorizontalPodAutoscaler").shortNames("hpa").categories("all")
                        .model(io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class)
                        .etcdResource("horizontalpodautoscalers").conversion(HorizontalPodAutoscalerV1.TO_V2)
                        .protobuf(HorizontalPodAutoscalerV1.PROTO.decoder())
                        .strategy(strategy())
                        .table(TableConvertor.of(table().columns(),
                                (o, now) -> table().cells(HorizontalPodAutoscalerV1.TO_V2.toStorage(o), now)))
                        .subresource(StatusSubresource.INSTANCE)
                        .build());
    }

    /** The rules both versions share: they read only fields named alike in both. */
    private static io.kubej.apiserver.registry.RESTStrategy strategy() {
        return SimpleStrategy.builder()
                .defaults(h -> WorkloadRules.putIfAbsent(io.kubej.apiserver.api.Json.obj(h, "spec"), "minReplicas", 1))
                .validate(h -> Validation.requireField(h, "spec.scaleTargetRef.kind"))
                .validate(h -> Validation.requireField(h, "spec.scaleTargetRef.name"))
                .validate(h -> h.path("spec").path("maxReplicas").asInt(0) < h.path("spec").path("minReplicas").asInt(1)
                        ? List.of(Validation.invalid("spec.maxReplicas", h.path("spec").path("maxReplicas").asInt(0),
                                "must be greater than or equal to `minReplicas`")) : List.of())
                .build();
    }

    private static TableConvertor table() {
        return TableConvertor.of(List.of(Column.name("Name of the autoscaler"),
                        Column.of("Reference", "string", "What it scales"), Column.of("Targets", "string", "Metric targets"),
                        Column.of("MinPods", "string", "Lower bound"), Column.of("MaxPods", "integer", "Upper bound"),
                        Column.of("Replicas", "integer", "Current replicas"), Column.of("Age", "string", "Time since creation")),
                        (h, now) -> List.of(TableConvertor.name(h),
                                h.path("spec").path("scaleTargetRef").path("kind").asText() + "/" + h.path("spec").path("scaleTargetRef").path("name").asText(),
                                h.path("spec").path("metrics").isEmpty() ? "<none>" : h.path("spec").path("metrics").size() + " metric(s)",
                                h.path("spec").path("minReplicas").asText("1"), h.path("spec").path("maxReplicas").asLong(),
                                h.path("status").path("currentReplicas").asLong(0), TableConvertor.age(h, now)));
    }
}
