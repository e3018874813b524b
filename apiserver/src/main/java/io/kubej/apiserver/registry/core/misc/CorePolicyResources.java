package io.kubej.apiserver.registry.core.misc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.core.pod.PodStrategy;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;

/**
 * The smaller core/v1 kinds: ReplicationControllers (the ReplicaSet's predecessor, whose
 * selector is a plain label map), PodTemplates, LimitRanges and ResourceQuotas (upstream
 * {@code pkg/registry/core/replicationcontroller}, {@code podtemplate}, {@code limitrange},
 * {@code resourcequota}). kubej stores and validates them; the ResourceQuota admission plugin
 * enforces quotas (admission/ResourceQuotaAdmission); no plugin applies LimitRanges yet
 * (kube-apiserver lists the admission plugins it runs at start).
 */
public final class CorePolicyResources {
    private CorePolicyResources() {
    }

    public static List<Resource> resources() {
        return List.of(replicationControllers(), podTemplates(), limitRanges(), resourceQuotas());
    }

    static Resource replicationControllers() {
        return Resource.builder("", "v1", "ReplicationController").shortNames("rc").categories("all").model(ReplicationController.class)
                .strategy(SimpleStrategy.builder()
                        .defaults(WorkloadRules::replicasDefault)
                        .defaults(rc -> {
                            // an absent selector defaults to the template's labels, as upstream
                            ObjectNode spec = Json.obj(rc, "spec");
                            if (spec.path("selector").isEmpty() && spec.path("template").path("metadata").has("labels")) {
                                spec.set("selector", spec.path("template").path("metadata").path("labels").deepCopy());
                            }
                        })
                        .defaults(WorkloadRules::templateDefaults)
                        .validate(rc -> {
                            List<io.kubej.apiserver.api.StatusError.Cause> causes = new ArrayList<>();
                            var spec = rc.path("spec");
                            if (spec.path("selector").isEmpty()) {
                                causes.add(Validation.required("spec.selector"));
                            }
                            spec.path("selector").fields().forEachRemaining(e -> {
                                if (!e.getValue().asText().equals(spec.path("template").path("metadata").path("labels").path(e.getKey()).asText(null))) {
                                    causes.add(Validation.invalid("spec.template.metadata.labels", spec.path("template").path("metadata").path("labels").toString(),
                                            "`selector` does not match template `labels`"));
                                }
                            });
                            causes.addAll(Validation.validatePodSpec(spec.path("template").get("spec"), "spec.template.spec"));
                            return causes;
                        })
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the replication controller"),
                        Column.of("Desired", "integer", "Wanted replicas"), Column.of("Current", "integer", "Observed replicas"),
                        Column.of("Ready", "integer", "Ready replicas"), Column.of("Age", "string", "Time since creation")),
                        (rc, now) -> List.of(TableConvertor.name(rc), rc.path("spec").path("replicas").asLong(1),
                                rc.path("status").path("replicas").asLong(0), rc.path("status").path("readyReplicas").asLong(0),
                                TableConvertor.age(rc, now))))
                .patchMeta(PodPatchMeta.WORKLOAD)
                .subresource(StatusSubresource.INSTANCE)
                .subresource(new ScaleSubresource(rc -> {
                    List<String> terms = new ArrayList<>();
                    rc.path("spec").path("selector").fields().forEachRemaining(e -> terms.add(e.getKey() + "=" + e.getValue().asText()));
                    return String.join(",", terms);
                }))
                .build();
    }

    static Resource podTemplates() {
        return Resource.builder("", "v1", "PodTemplate").model(PodTemplate.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .defaults(pt -> {
                            if (pt.path("template").get("spec") instanceof ObjectNode ps) {
                                PodStrategy.applyPodSpecDefaults(ps);
                            }
                        })
                        .validate(pt -> Validation.validatePodSpec(pt.path("template").get("spec"), "template.spec"))
                        .build())
                .patchMeta(PatchMeta.object().field("template", PodPatchMeta.TEMPLATE).build())
                .table(TableConvertor.of(List.of(Column.name("Name of the pod template"),
                        Column.of("Containers", "string", "Container names"), Column.of("Images", "string", "Images"),
                        Column.of("Pod Labels", "string", "Labels of the template")), (pt, now) -> List.of(TableConvertor.name(pt),
                                WorkloadRules.containers(pt, "name", "/template"), WorkloadRules.containers(pt, "image", "/template"),
                                pt.path("template").path("metadata").path("labels").toString())))
                .build();
    }

    static Resource limitRanges() {
        return Resource.builder("", "v1", "LimitRange").shortNames("limits").model(LimitRange.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .validate(lr -> {
                            List<io.kubej.apiserver.api.StatusError.Cause> causes = new ArrayList<>();
                            var limits = lr.path("spec").path("limits");
                            for (int i = 0; i < limits.size(); i++) {
                                causes.addAll(Validation.oneOf((ObjectNode) limits.get(i), "type", List.of("Pod", "Container", "PersistentVolumeClaim")));
                            }
                            return causes;
                        })
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the limit range"), Column.of("Created At", "date", "When it was made")),
                        (lr, now) -> List.of(TableConvertor.name(lr), lr.path("metadata").path("creationTimestamp").asText())))
                .build();
    }

    static Resource resourceQuotas() {
        return Resource.builder("", "v1", "ResourceQuota").shortNames("quota").model(ResourceQuota.class)
                .strategy(SimpleStrategy.builder().build())
                .table(TableConvertor.of(List.of(Column.name("Name of the quota"), Column.of("Age", "string", "Time since creation"),
                        Column.of("Request", "string", "Requests used of the hard limits"), Column.of("Limit", "string", "Limits used")),
                        (q, now) -> {
                            List<String> req = new ArrayList<>();
                            q.path("spec").path("hard").fields().forEachRemaining(e -> req.add(e.getKey() + ": "
                                    + q.path("status").path("used").path(e.getKey()).asText("0") + "/" + e.getValue().asText()));
                            return List.of(TableConvertor.name(q), TableConvertor.age(q, now), String.join(", ", req), "");
                        }))
                .subresource(StatusSubresource.INSTANCE)
                .build();
    }
}
