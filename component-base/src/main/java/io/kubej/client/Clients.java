package io.kubej.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * API clients for the components, built from a kubeconfig as upstream's {@code --kubeconfig}.
 *
 * <p>Every component but the API server reaches the cluster only through the API server, with
 * the fabric8 client (informers, leader election, typed models).
 */
public final class Clients {
    private Clients() {
    }

    /** A client for the kubeconfig at {@code path}, identified to the server as {@code userAgent}. */
    public static KubernetesClient fromKubeconfig(Path path, String userAgent) {
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(path), path.toString());
            config.setUserAgent(userAgent);
            // Upstream components retry with their own backoff; keep the client's short.
            config.setRequestRetryBackoffLimit(3);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read kubeconfig " + path + ": " + e.getMessage(), e);
        }
    }
}
