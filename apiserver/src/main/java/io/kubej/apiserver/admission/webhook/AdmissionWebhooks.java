package io.kubej.apiserver.admission.webhook;

import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.admissionregistration.AdmissionRegistrationResources;
import io.kubej.apiserver.registry.generic.LocalInformer;
import io.kubej.apiserver.registry.generic.Store;
import java.util.function.Consumer;

/**
 * Assembles the two webhook plugins over the API server's own stores: an informer over their
 * configuration kind, the Namespaces for namespaceSelectors, the objects a DELETE removes, and
 * the Services a webhook may sit behind, all read from memory (the watch cache).
 */
public final class AdmissionWebhooks {
    private AdmissionWebhooks() {
    }

    /** @param started told of the informer started here, for the caller to close at shutdown */
    public static MutatingAdmissionWebhook mutating(ResourceRegistry registry, Consumer<LocalInformer> started) {
        return new MutatingAdmissionWebhook(source(registry, AdmissionRegistrationResources.MUTATING, started), matcher(registry), client(registry));
    }

    /** @param started told of the informer started here, for the caller to close at shutdown */
    public static ValidatingAdmissionWebhook validating(ResourceRegistry registry, Consumer<LocalInformer> started) {
        return new ValidatingAdmissionWebhook(source(registry, AdmissionRegistrationResources.VALIDATING, started), matcher(registry), client(registry));
    }

    private static WebhookSource source(ResourceRegistry registry, String plural, Consumer<LocalInformer> started) {
        LocalInformer informer = new LocalInformer(registry.store(AdmissionRegistrationResources.GROUP, plural)).start();
        started.accept(informer);
        return new WebhookSource(informer);
    }

    private static WebhookMatcher matcher(ResourceRegistry registry) {
        Store namespaces = registry.store("", "namespaces");
        return new WebhookMatcher(name -> namespaces.findQuickly(null, name), registry::resources,
                (r, ns, name) -> registry.store(r.group(), r.version(), r.plural()).flatMap(s -> s.findQuickly(ns, name)));
    }

    private static WebhookClient client(ResourceRegistry registry) {
        Store services = registry.store("", "services");
        return new WebhookClient(ServiceResolver.clusterIP(services::findQuickly));
    }
}
