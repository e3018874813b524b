package io.kubej.proxy.config;

import io.fabric8.kubernetes.api.model.Service;

/**
 * Receives Service events. Implementations only record the change and ask for a sync; they never
 * touch iptables here. Upstream: pkg/proxy/config/config.go (ServiceHandler).
 */
public interface ServiceHandler {
    void onServiceAdd(Service service);

    void onServiceUpdate(Service oldService, Service service);

    void onServiceDelete(Service service);

    /** The informer has listed every Service once: rules may now be written without losing any. */
    void onServiceSynced();
}
