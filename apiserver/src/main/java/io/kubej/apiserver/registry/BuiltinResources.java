package io.kubej.apiserver.registry;

import io.kubej.apiserver.registry.apps.AppsResources;
import io.kubej.apiserver.registry.coordination.CoordinationResources;
import io.kubej.apiserver.registry.core.CoreResources;
import io.kubej.apiserver.registry.core.service.ServiceStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The API groups kube-apiserver installs, in upstream's discovery order (upstream
 * {@code pkg/controlplane/instance.go}); each group's file registers its resources.
 */
public final class BuiltinResources {
    private BuiltinResources() {
    }

    public static List<Resource> all(ServiceStrategy services) {
        return all(services, io.kubej.apiserver.authorization.Authorizer.alwaysAllow(), ns -> List.of());
    }

    /**
     * @param authorizer what the access reviews ask (the same authorizer that guards requests)
     * @param budgets    the PodDisruptionBudgets of a namespace, which pod eviction honours
     */
    public static List<Resource> all(ServiceStrategy services, io.kubej.apiserver.authorization.Authorizer authorizer,
                                     java.util.function.Function<String, List<com.fasterxml.jackson.databind.node.ObjectNode>> budgets) {
        List<Resource> all = new ArrayList<>();
        all.addAll(CoreResources.resources(services, budgets));
        all.addAll(io.kubej.apiserver.registry.authentication.AuthenticationResources.resources());
        all.addAll(io.kubej.apiserver.registry.authorization.AuthorizationResources.resources(authorizer));
        all.addAll(AppsResources.resources());
        all.addAll(io.kubej.apiserver.registry.autoscaling.AutoscalingResources.resources());
        all.addAll(io.kubej.apiserver.registry.batch.BatchResources.resources());
        all.addAll(io.kubej.apiserver.registry.certificates.CertificatesResources.resources());
        all.addAll(CoordinationResources.resources());
        all.addAll(io.kubej.apiserver.registry.discovery.DiscoveryResources.resources());
        all.addAll(io.kubej.apiserver.registry.networking.NetworkingResources.resources());
        all.addAll(io.kubej.apiserver.registry.node.NodeResources.resources());
        all.addAll(io.kubej.apiserver.registry.policy.PolicyResources.resources());
        all.addAll(io.kubej.apiserver.registry.rbac.RbacResources.resources());
        all.addAll(io.kubej.apiserver.registry.scheduling.SchedulingResources.resources());
        all.addAll(io.kubej.apiserver.registry.storage.StorageResources.resources());
        all.add(io.kubej.apiserver.registry.apiextensions.CustomResourceDefinitions.resource());
        return all;
    }
}
