package io.kubej.apiserver.registry.apps.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.ProtobufBody;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.core.pod.PodProtobuf;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;

/**
 * Deployments (apps/v1, upstream {@code pkg/registry/apps/deployment} and the v1 defaults):
 * one replica, a RollingUpdate strategy of 25% surge and 25% unavailable, ten old ReplicaSets
 * kept for rollback, a 600 s progress deadline; the selector is immutable.
 */
public final class Deployments {
    private Deployments() {
    }

    public static Resource resource() {
        return Resource.builder("apps", "v1", "Deployment").shortNames("deploy").categories("all").model(Deployment.class)
                .strategy(SimpleStrategy.builder()
                        .defaults(WorkloadRules::replicasDefault)
                        .defaults(Deployments::defaults)
                        .defaults(WorkloadRules::templateDefaults)
                        .validate(WorkloadRules::validateTemplateAndSelector)
                        .validate(WorkloadRules::restartAlways)
                        .validate(o -> Validation.oneOf(o, "spec.strategy.type", List.of("Recreate", "RollingUpdate")))
                        .immutable("spec.selector")
                        .build())
                .protobuf(PROTO.decoder())
                .table(table()).patchMeta(PodPatchMeta.WORKLOAD)
                .subresource(StatusSubresource.INSTANCE)
                .subresource(new ScaleSubresource(o -> ReplicaSetStrategy.selectorString(o.path("spec").path("selector"))))
                .build();
    }

    /**
     * What {@code kubectl create deployment} sends (upstream apps/v1 generated.proto): 1 metadata,
     * 2 spec {1 replicas, 2 selector, 3 template, 4 strategy {1 type, 2 rollingUpdate {1 maxUnavailable,
     * 2 maxSurge}}, 5 minReadySeconds, 6 revisionHistoryLimit, 7 paused, 9 progressDeadlineSeconds},
     * 3 status (empty on create).
     */
    static final ProtoMessage PROTO = ProtoMessage.of().objectMeta()
            .message(2, "spec", ProtoMessage.of().int32(1, "replicas").keepZero()
                    .message(2, "selector", ProtobufBody.LABEL_SELECTOR).message(3, "template", PodProtobuf.POD_TEMPLATE_SPEC)
                    .message(4, "strategy", ProtoMessage.of().string(1, "type")
                            .message(2, "rollingUpdate", ProtoMessage.of().intOrString(1, "maxUnavailable").keepZero()
                                    .intOrString(2, "maxSurge").keepZero()))
                    .int32(5, "minReadySeconds").int32(6, "revisionHistoryLimit").keepZero().bool(7, "paused")
                    .int32(9, "progressDeadlineSeconds").keepZero())
            .message(3, "status", ProtoMessage.of());

    static void defaults(ObjectNode d) {
        ObjectNode spec = Json.obj(d, "spec");
        ObjectNode strategy = Json.obj(spec, "strategy");
        WorkloadRules.putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = Json.obj(strategy, "rollingUpdate");
            WorkloadRules.putIfAbsent(rolling, "maxUnavailable", "25%");
            WorkloadRules.putIfAbsent(rolling, "maxSurge", "25%");
        }
        WorkloadRules.putIfAbsent(spec, "revisionHistoryLimit", 10);
        WorkloadRules.putIfAbsent(spec, "progressDeadlineSeconds", 600);
    }

    static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the deployment"),
                Column.of("Ready", "string", "Ready replicas of the desired number"),
                Column.of("Up-to-date", "integer", "Replicas running the current template"),
                Column.of("Available", "integer", "Replicas available to serve"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Containers", "string", "Container names of the template"),
                Column.wide("Images", "string", "Images of the template"),
                Column.wide("Selector", "string", "Label selector of the pods")), (d, now) -> List.of(
                        TableConvertor.name(d),
                        d.path("status").path("readyReplicas").asLong(0) + "/" + d.path("spec").path("replicas").asLong(1),
                        d.path("status").path("updatedReplicas").asLong(0), d.path("status").path("availableReplicas").asLong(0),
                        TableConvertor.age(d, now), WorkloadRules.containers(d, "name", "/spec/template"),
                        WorkloadRules.containers(d, "image", "/spec/template"), WorkloadRules.selector(d)));
    }
}
