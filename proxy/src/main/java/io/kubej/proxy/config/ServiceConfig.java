package io.kubej.proxy.config;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Watches every Service in the cluster through a shared informer and forwards the events to a
 * {@link ServiceHandler} (the proxier).
 *
 * <p>Why: kube-proxy reads Services only through the informer cache (one list, then a watch),
 * never by polling. Upstream: pkg/proxy/config/config.go (ServiceConfig).
 */
public final class ServiceConfig implements AutoCloseable {
    private final SharedIndexInformer<Service> informer;

    public ServiceConfig(KubernetesClient client, long resyncMillis, ServiceHandler handler) {
        informer = client.services().inAnyNamespace().runnableInformer(resyncMillis);
        // Like client-go's reflector, keep retrying (with backoff) if the API server is not up
        // yet or goes away: kube-proxy may well start before the control plane.
        informer.exceptionHandler(Informers.retryUnlessUndecodable("Services"));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service obj) {
                handler.onServiceAdd(obj);
            }

            @Override
            public void onUpdate(Service oldObj, Service newObj) {
                handler.onServiceUpdate(oldObj, newObj);
            }

            @Override
            public void onDelete(Service obj, boolean deletedFinalStateUnknown) {
                handler.onServiceDelete(obj);
            }
        });
        informer.start();
        Informers.whenSynced(informer, handler::onServiceSynced);
    }

    public boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.close();
    }
}
