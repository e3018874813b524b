package io.kubej.proxy.config;

import io.fabric8.kubernetes.api.model.Endpoints;

/**
 * Receives v1 Endpoints events; like {@link ServiceHandler}, only records and requests a sync.
 * Upstream's equivalent today is EndpointSliceHandler in pkg/proxy/config/config.go.
 */
public interface EndpointsHandler {
    void onEndpointsAdd(Endpoints endpoints);

    void onEndpointsUpdate(Endpoints oldEndpoints, Endpoints endpoints);

    void onEndpointsDelete(Endpoints endpoints);

    /** The informer has listed every Endpoints object once. */
    void onEndpointsSynced();
}
