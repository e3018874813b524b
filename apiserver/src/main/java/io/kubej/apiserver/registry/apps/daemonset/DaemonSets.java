package io.kubej.apiserver.registry.apps.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;

/**
 * DaemonSets (apps/v1, upstream {@code pkg/registry/apps/daemonset}): one pod per eligible
 * node, RollingUpdate with maxUnavailable 1 by default; the selector is immutable.
 */
public final class DaemonSets {
    private DaemonSets() {
    }

    public static Resource resource() {
        return Resource.builder("apps", "v1", "DaemonSet").shortNames("ds").categories("all").model(DaemonSet.class)
                .strategy(SimpleStrategy.builder()
                        .defaults(DaemonSets::defaults)
                        .defaults(WorkloadRules::templateDefaults)
                        .validate(WorkloadRules::validateTemplateAndSelector)
                        .validate(WorkloadRules::restartAlways)
                        .validate(o -> Validation.oneOf(o, "spec.updateStrategy.type", List.of("RollingUpdate", "OnDelete")))
                        .immutable("spec.selector")
                        .build())
                .table(table()).patchMeta(PodPatchMeta.WORKLOAD)
                .subresource(StatusSubresource.INSTANCE)
                .build();
    }

    static void defaults(ObjectNode ds) {
        ObjectNode spec = Json.obj(ds, "spec");
        ObjectNode update = Json.obj(spec, "updateStrategy");
        WorkloadRules.putIfAbsent(update, "type", "RollingUpdate");
        if (update.path("type").asText().equals("RollingUpdate")) {
            ObjectNode rolling = Json.obj(update, "rollingUpdate");
            WorkloadRules.putIfAbsent(rolling, "maxUnavailable", 1);
            WorkloadRules.putIfAbsent(rolling, "maxSurge", 0);
        }
        WorkloadRules.putIfAbsent(spec, "revisionHistoryLimit", 10);
    }

    static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the daemon set"),
                Column.of("Desired", "integer", "Nodes that should run the pod"),
                Column.of("Current", "integer", "Nodes running the pod"),
                Column.of("Ready", "integer", "Nodes with the pod ready"),
                Column.of("Up-to-date", "integer", "Nodes running the current template"),
                Column.of("Available", "integer", "Nodes with the pod available"),
                Column.of("Node Selector", "string", "The template's node selector"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Containers", "string", "Container names of the template"),
                Column.wide("Images", "string", "Images of the template"),
                Column.wide("Selector", "string", "Label selector of the pods")), (d, now) -> {
                    var st = d.path("status");
                    List<String> sel = new ArrayList<>();
                    d.path("spec").path("template").path("spec").path("nodeSelector").fields()
                            .forEachRemaining(e -> sel.add(e.getKey() + "=" + e.getValue().asText()));
                    return List.of(TableConvertor.name(d), st.path("desiredNumberScheduled").asLong(0),
                            st.path("currentNumberScheduled").asLong(0), st.path("numberReady").asLong(0),
                            st.path("updatedNumberScheduled").asLong(0), st.path("numberAvailable").asLong(0),
                            sel.isEmpty() ? "<none>" : String.join(",", sel), TableConvertor.age(d, now),
                            WorkloadRules.containers(d, "name", "/spec/template"), WorkloadRules.containers(d, "image", "/spec/template"),
                            WorkloadRules.selector(d));
                });
    }
}
