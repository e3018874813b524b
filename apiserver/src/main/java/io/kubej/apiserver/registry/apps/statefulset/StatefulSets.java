package io.kubej.apiserver.registry.apps.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * StatefulSets (apps/v1, upstream {@code pkg/registry/apps/statefulset}): OrderedReady pod
 * management and RollingUpdate by default. After creation only replicas, ordinals, template,
 * updateStrategy, persistentVolumeClaimRetentionPolicy, revisionHistoryLimit and
 * minReadySeconds may change: the serviceName, selector and volumeClaimTemplates are fixed, as
 * the identity of each ordinal pod and its volumes depends on them.
 */
public final class StatefulSets {
    private static final Set<String> UPDATABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds", "revisionHistoryLimit");

    private StatefulSets() {
    }

    public static Resource resource() {
        return Resource.builder("apps", "v1", "StatefulSet").shortNames("sts").categories("all").model(StatefulSet.class)
                .strategy(SimpleStrategy.builder()
                        .defaults(WorkloadRules::replicasDefault)
                        .defaults(StatefulSets::defaults)
                        .defaults(WorkloadRules::templateDefaults)
                        .validate(WorkloadRules::validateTemplateAndSelector)
                        .validate(WorkloadRules::restartAlways)
                        .validate(o -> Validation.oneOf(o, "spec.podManagementPolicy", List.of("OrderedReady", "Parallel")))
                        .validate(o -> Validation.oneOf(o, "spec.updateStrategy.type", List.of("RollingUpdate", "OnDelete")))
                        .validateUpdate(StatefulSets::onlyUpdatableFieldsChanged)
                        .build())
                .table(table()).patchMeta(PodPatchMeta.WORKLOAD)
                .subresource(StatusSubresource.INSTANCE)
                .subresource(new ScaleSubresource(o -> ReplicaSetStrategy.selectorString(o.path("spec").path("selector"))))
                .build();
    }

    static void defaults(ObjectNode sts) {
        ObjectNode spec = Json.obj(sts, "spec");
        WorkloadRules.putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode update = Json.obj(spec, "updateStrategy");
        WorkloadRules.putIfAbsent(update, "type", "RollingUpdate");
        if (update.path("type").asText().equals("RollingUpdate")) {
            WorkloadRules.putIfAbsent(Json.obj(update, "rollingUpdate"), "partition", 0);
        }
        WorkloadRules.putIfAbsent(spec, "revisionHistoryLimit", 10);
        ObjectNode retention = Json.obj(spec, "persistentVolumeClaimRetentionPolicy");
        WorkloadRules.putIfAbsent(retention, "whenDeleted", "Retain");
        WorkloadRules.putIfAbsent(retention, "whenScaled", "Retain");
        for (JsonNode t : spec.path("volumeClaimTemplates")) {
            if (t instanceof ObjectNode claim) {
                WorkloadRules.putIfAbsent(Json.obj(claim, "spec"), "volumeMode", "Filesystem");
                Json.obj(claim, "status").put("phase", "Pending");
                claim.put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
            }
        }
    }

    static List<Cause> onlyUpdatableFieldsChanged(ObjectNode sts, ObjectNode old) {
        List<String> changed = new ArrayList<>();
        JsonNode spec = sts.path("spec");
        JsonNode oldSpec = old.path("spec");
        spec.fieldNames().forEachRemaining(f -> {
            if (!UPDATABLE.contains(f) && !Objects.equals(spec.get(f), oldSpec.get(f))) {
                changed.add(f);
            }
        });
        oldSpec.fieldNames().forEachRemaining(f -> {
            if (!UPDATABLE.contains(f) && !spec.has(f)) {
                changed.add(f);
            }
        });
        return changed.isEmpty() ? List.of() : List.of(Validation.forbidden("spec", "updates to statefulset spec for fields other than "
                + "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }

    static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the stateful set"),
                Column.of("Ready", "string", "Ready replicas of the desired number"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Containers", "string", "Container names of the template"),
                Column.wide("Images", "string", "Images of the template")), (s, now) -> List.of(
                        TableConvertor.name(s),
                        s.path("status").path("readyReplicas").asLong(0) + "/" + s.path("spec").path("replicas").asLong(1),
                        TableConvertor.age(s, now), WorkloadRules.containers(s, "name", "/spec/template"),
                        WorkloadRules.containers(s, "image", "/spec/template")));
    }
}
