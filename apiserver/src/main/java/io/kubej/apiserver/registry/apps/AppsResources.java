package io.kubej.apiserver.registry.apps;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.kubej.apiserver.registry.apps.controllerrevision.ControllerRevisions;
import io.kubej.apiserver.registry.apps.daemonset.DaemonSets;
import io.kubej.apiserver.registry.apps.statefulset.StatefulSets;
import io.kubej.apiserver.registry.apps.deployment.Deployments;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;

/** The apps/v1 group (upstream {@code pkg/registry/apps/rest/storage_apps.go}). */
public final class AppsResources {
    private AppsResources() {
    }

    public static List<Resource> resources() {
        return List.of(
                Resource.builder("apps", "v1", "ReplicaSet").shortNames("rs").categories("all").model(ReplicaSet.class)
                        .fieldLabels("status.replicas").strategy(new ReplicaSetStrategy()).table(ReplicaSetStrategy.table())
                        .patchMeta(PodPatchMeta.WORKLOAD).subresource(StatusSubresource.INSTANCE)
                        .subresource(new ScaleSubresource(o -> ReplicaSetStrategy.selectorString(o.path("spec").path("selector"))))
                        .build(),
                Deployments.resource(),
                StatefulSets.resource(),
                DaemonSets.resource(),
                ControllerRevisions.resource());
    }
}
