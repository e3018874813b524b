package io.kubej.apiserver.registry;

import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.registry.apiextensions.CustomResourceDefinitions;
import io.kubej.apiserver.registry.apps.AppsResources;
import io.kubej.apiserver.registry.authentication.AuthenticationResources;
import io.kubej.apiserver.registry.authorization.AuthorizationResources;
import io.kubej.apiserver.registry.autoscaling.AutoscalingResources;
import io.kubej.apiserver.registry.batch.BatchResources;
import io.kubej.apiserver.registry.certificates.CertificatesResources;
import io.kubej.apiserver.registry.coordination.CoordinationResources;
import io.kubej.apiserver.registry.core.CoreResources;
import io.kubej.apiserver.registry.core.pod.EvictionSubresource;
import io.kubej.apiserver.registry.core.service.ServiceStrategy;
import io.kubej.apiserver.registry.discovery.DiscoveryResources;
import io.kubej.apiserver.registry.events.EventsResources;
import io.kubej.apiserver.registry.networking.NetworkingResources;
import io.kubej.apiserver.registry.node.NodeResources;
import io.kubej.apiserver.registry.policy.PolicyResources;
import io.kubej.apiserver.registry.rbac.RbacResources;
import io.kubej.apiserver.registry.scheduling.SchedulingResources;
import io.kubej.apiserver.registry.storage.StorageResources;
import java.util.ArrayList;
import java.util.List;

/**
 * The API groups kube-apiserver installs, in upstream's discovery order (upstream
 * {@code pkg/controlplane/instance.go}); each group's file registers its resources. This is
 * the one list of built-in kinds; custom resources join at run time from their definitions.
 */
public final class BuiltinResources {
    private BuiltinResources() {
    }

    /** With the AlwaysAllow authorizer and no disruption budgets (tests of the registrations alone). */
    public static List<Resource> all(ServiceStrategy services) {
        return all(services, Authorizer.alwaysAllow(), namespace -> List.of());
    }

    /**
     * @param authorizer what the access reviews ask (the same authorizer that guards requests)
     * @param budgets    the PodDisruptionBudgets of a namespace, which pod eviction honours
     */
    public static List<Resource> all(ServiceStrategy services, Authorizer authorizer, EvictionSubresource.Budgets budgets) {
        List<Resource> all = new ArrayList<>();
        all.addAll(CoreResources.resources(services, budgets));
        all.addAll(AuthenticationResources.resources());
        all.addAll(AuthorizationResources.resources(authorizer));
        all.addAll(AppsResources.resources());
        all.addAll(AutoscalingResources.resources());
        all.addAll(BatchResources.resources());
        all.addAll(CertificatesResources.resources());
        all.addAll(CoordinationResources.resources());
        all.addAll(DiscoveryResources.resources());
        all.addAll(EventsResources.resources());
        all.addAll(NetworkingResources.resources());
        all.addAll(NodeResources.resources());
        all.addAll(PolicyResources.resources());
        all.addAll(RbacResources.resources());
        all.addAll(SchedulingResources.resources());
        all.addAll(StorageResources.resources());
        all.add(CustomResourceDefinitions.resource());
        return all;
    }
}
