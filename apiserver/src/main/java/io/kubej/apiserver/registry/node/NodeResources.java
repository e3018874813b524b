package io.kubej.apiserver.registry.node;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.List;

/**
 * node.k8s.io/v1 RuntimeClasses (upstream {@code pkg/registry/node/runtimeclass}): a name for
 * a CRI runtime handler that pods select with {@code runtimeClassName}; the handler never changes.
 */
public final class NodeResources {
    private NodeResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("node.k8s.io", "v1", "RuntimeClass").plural("runtimeclasses").clusterScoped()
                .model(RuntimeClass.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .validate(rc -> Validation.requireField(rc, "handler"))
                        .immutable("handler")
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the class"), Column.of("Handler", "string", "The CRI handler"),
                        Column.of("Age", "string", "Time since creation")),
                        (rc, now) -> List.of(TableConvertor.name(rc), rc.path("handler").asText(), TableConvertor.age(rc, now))))
                .build());
    }
}
