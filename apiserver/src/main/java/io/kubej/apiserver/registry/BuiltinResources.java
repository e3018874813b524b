package io.kubej.apiserver.registry;

import io.kubej.apiserver.authentication.TokenAuthenticator;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.registry.core.serviceaccount.TokenRequestSubresource;
import io.kubej.apiserver.registry.admissionregistration.AdmissionRegistrationResources;
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

    /**
     * What the registrations need from the rest of the API server: the same authenticators and
     * authorizers that guard requests (the review kinds ask them), the service-account token
     * issuer, and the PodDisruptionBudgets that pod eviction honours.
     */
    public record Dependencies(Authorizer authorizer, RuleResolver rules, TokenAuthenticator tokens, List<String> apiAudiences,
                               TokenRequestSubresource tokenRequests, EvictionSubresource.Budgets budgets) {
        /** AlwaysAllow, no tokens, no budgets: for tests of the registrations alone. */
        public static Dependencies standalone() {
            return new Dependencies(Authorizer.alwaysAllow(), (user, ns) -> new RuleResolver.Rules(List.of(), List.of(), true),
                    TokenAuthenticator.none(), List.of(), TokenRequestSubresource.unconfigured(), namespace -> List.of());
        }
    }

    /** With {@link Dependencies#standalone()}. */
    public static List<Resource> all(ServiceStrategy services) {
        return all(services, Dependencies.standalone());
    }

    public static List<Resource> all(ServiceStrategy services, Dependencies d) {
        List<Resource> all = new ArrayList<>();
        all.addAll(CoreResources.resources(services, d.budgets(), d.tokenRequests()));
        all.addAll(AuthenticationResources.resources(d.tokens(), d.apiAudiences()));
        all.addAll(AuthorizationResources.resources(d.authorizer(), d.rules()));
        all.addAll(AdmissionRegistrationResources.resources());
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
