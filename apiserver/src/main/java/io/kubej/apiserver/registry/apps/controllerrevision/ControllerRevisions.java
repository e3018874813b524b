package io.kubej.apiserver.registry.apps.controllerrevision;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.List;

/**
 * ControllerRevisions (apps/v1, upstream {@code pkg/registry/apps/controllerrevision}): the
 * snapshots of a StatefulSet's or DaemonSet's template that rollbacks return to. A revision's
 * data never changes once written; its number must not be negative.
 */
public final class ControllerRevisions {
    private ControllerRevisions() {
    }

    public static Resource resource() {
        return Resource.builder("apps", "v1", "ControllerRevision").model(ControllerRevision.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .validate(o -> o.path("revision").asLong(0) < 0
                                ? List.of(Validation.invalid("revision", o.path("revision").asLong(), "must be greater than or equal to 0"))
                                : List.of())
                        .immutable("data")
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the revision"),
                        Column.of("Controller", "string", "The owner of the revision"),
                        Column.of("Revision", "integer", "The revision number"),
                        Column.of("Age", "string", "Time since creation")), (r, now) -> {
                            String controller = "<none>";
                            for (var ref : r.path("metadata").path("ownerReferences")) {
                                if (ref.path("controller").asBoolean(false)) {
                                    String group = ref.path("apiVersion").asText().contains("/")
                                            ? "." + ref.path("apiVersion").asText().split("/")[0] : "";
                                    controller = ref.path("kind").asText().toLowerCase() + group + "/" + ref.path("name").asText();
                                }
                            }
                            return List.of(TableConvertor.name(r), controller, r.path("revision").asLong(0), TableConvertor.age(r, now));
                        }))
                .build();
    }
}
