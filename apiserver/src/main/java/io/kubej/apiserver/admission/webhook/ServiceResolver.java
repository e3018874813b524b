package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.webhook.Webhook.ServiceReference;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Where a webhook's Service reference points (upstream {@code webhook.ServiceResolver}). Like
 * kube-apiserver without {@code --enable-aggregator-routing}, kubej connects to the Service's
 * ClusterIP on the Service port; the certificate is still checked for
 * {@code <name>.<namespace>.svc}. The ClusterIP must be routable from the API server's host
 * (kube-proxy's rules there); where it is not, the call fails and the failurePolicy decides.
 */
@FunctionalInterface
public interface ServiceResolver {
    URI resolve(ServiceReference service) throws IOException;

    /** @param services reads a Service by namespace and name (from the watch cache) */
    static ServiceResolver clusterIP(BiFunction<String, String, Optional<ObjectNode>> services) {
        return ref -> {
            String what = "service \"" + ref.namespace() + "/" + ref.name() + "\"";
            ObjectNode svc = services.apply(ref.namespace(), ref.name()).orElseThrow(() -> new IOException(what + " not found"));
            JsonNode spec = svc.path("spec");
            String ip = spec.path("clusterIP").asText("");
            if (spec.path("type").asText("ClusterIP").equals("ExternalName") || ip.isEmpty() || ip.equals("None")) {
                throw new IOException(what + " has no ClusterIP to connect to (kubej does not route webhooks to headless or ExternalName Services)");
            }
            boolean hasPort = false;
            for (JsonNode p : spec.path("ports")) {
                hasPort |= p.path("port").asInt() == ref.port();
            }
            if (!hasPort) {
                throw new IOException(what + " has no port " + ref.port());
            }
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            return URI.create("https://" + host + ":" + ref.port() + ref.path());
        };
    }
}
