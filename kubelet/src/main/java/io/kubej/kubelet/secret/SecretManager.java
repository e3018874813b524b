package io.kubej.kubelet.secret;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the kubelet reads the Secrets its pods reference (upstream pkg/kubelet/secret), with the
 * node's own credentials (the Node authorizer allows only Secrets of pods bound to the node).
 */
@FunctionalInterface
public interface SecretManager {
    /** The Secret, or null when it does not exist. */
    Secret getSecret(String namespace, String name);

    static SecretManager fromApi(KubernetesClient client) {
        return (namespace, name) -> client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** A Secret's data decoded (the API carries it base64-encoded). */
    static Map<String, byte[]> data(Secret secret) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
