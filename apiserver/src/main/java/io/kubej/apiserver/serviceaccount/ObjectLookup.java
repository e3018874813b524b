package io.kubej.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Reads the objects a token is about (service accounts, and the pods, secrets and nodes tokens
 * are bound to) by resource, namespace (null for nodes) and name. The API server answers it
 * from its watch caches, falling back to etcd for an object written a moment ago.
 */
@FunctionalInterface
public interface ObjectLookup {
    Optional<ObjectNode> find(String resource, String namespace, String name);

    default Optional<String> uidOf(String resource, String namespace, String name) {
        return find(resource, namespace, name).map(o -> o.path("metadata").path("uid").asText(""));
    }
}
