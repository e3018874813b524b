package io.kubej.proxy.config;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Watches every v1 Endpoints object through a shared informer and forwards the events to an
 * {@link EndpointsHandler} (the proxier). Upstream reads EndpointSlices instead
 * (pkg/proxy/config/config.go, EndpointSliceConfig); kubej switches when its control plane
 * writes them.
 */
public final class EndpointsConfig implements AutoCloseable {
    private final SharedIndexInformer<Endpoints> informer;

    public EndpointsConfig(KubernetesClient client, long resyncMillis, EndpointsHandler handler) {
        informer = client.endpoints().inAnyNamespace().runnableInformer(resyncMillis);
        // Like client-go's reflector, keep retrying (with backoff) if the API server is not up
        // yet or goes away: kube-proxy may well start before the control plane.
        informer.exceptionHandler(Informers.retryUnlessUndecodable("Endpoints"));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints obj) {
                handler.onEndpointsAdd(obj);
            }

            @Override
            public void onUpdate(Endpoints oldObj, Endpoints newObj) {
                handler.onEndpointsUpdate(oldObj, newObj);
            }

            @Override
            public void onDelete(Endpoints obj, boolean deletedFinalStateUnknown) {
                handler.onEndpointsDelete(obj);
            }
        });
        informer.start();
        Informers.whenSynced(informer, handler::onEndpointsSynced);
    }

    public boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.close();
    }
}
