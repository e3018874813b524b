package io.kubej.apiserver.registry.admissionregistration;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import java.util.List;

/**
 * admissionregistration.k8s.io/v1 (upstream {@code pkg/registry/admissionregistration}): the
 * cluster-scoped MutatingWebhookConfigurations and ValidatingWebhookConfigurations that tell
 * the MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins
 * ({@code admission/webhook}) which requests to send to which webhook. Both kinds are only
 * stored here; the plugins read them from memory.
 */
public final class AdmissionRegistrationResources {
    public static final String GROUP = "admissionregistration.k8s.io";
    public static final String MUTATING = "mutatingwebhookconfigurations";
    public static final String VALIDATING = "validatingwebhookconfigurations";

    private AdmissionRegistrationResources() {
    }

    public static List<Resource> resources() {
        return List.of(
                Resource.builder(GROUP, "v1", "MutatingWebhookConfiguration").plural(MUTATING).clusterScoped()
                        .categories("api-extensions").model(MutatingWebhookConfiguration.class)
                        .strategy(strategy(true)).table(table()).build(),
                Resource.builder(GROUP, "v1", "ValidatingWebhookConfiguration").plural(VALIDATING).clusterScoped()
                        .categories("api-extensions").model(ValidatingWebhookConfiguration.class)
                        .strategy(strategy(false)).table(table()).build());
    }

    private static SimpleStrategy strategy(boolean mutating) {
        return SimpleStrategy.builder().noStatus()
                .defaults(c -> WebhookDefaults.apply(c, mutating))
                .validate(c -> WebhookValidation.validate(c, mutating))
                .build();
    }

    private static TableConvertor table() {
        return TableConvertor.of(List.of(Column.name("Name of the configuration"),
                        Column.of("Webhooks", "integer", "How many webhooks it configures"),
                        Column.of("Age", "string", "Time since creation")),
                (c, now) -> List.of(TableConvertor.name(c), c.path("webhooks").size(), TableConvertor.age(c, now)));
    }
}
