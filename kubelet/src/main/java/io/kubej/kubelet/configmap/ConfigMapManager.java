package io.kubej.kubelet.configmap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where the kubelet reads the ConfigMaps its pods reference (upstream pkg/kubelet/configmap).
 * With the node's own credentials: the API server's Node authorizer lets a node read only
 * ConfigMaps referenced by pods bound to it, one by name. kubej reads them on each use (upstream
 * keeps a watch per referenced object).
 */
@FunctionalInterface
public interface ConfigMapManager {
    /** The ConfigMap, or null when it does not exist. */
    ConfigMap getConfigMap(String namespace, String name);

    static ConfigMapManager fromApi(KubernetesClient client) {
        return (namespace, name) -> client.configMaps().inNamespace(namespace).withName(name).get();
    }
}
