package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A set of objects kept in memory, with a counter that moves when it changes: what the
 * authorizers read ({@link LocalInformer} in the API server, a fixed list in unit tests and
 * benchmarks).
 */
public interface ObjectSource {
    Collection<ObjectNode> list();

    Optional<ObjectNode> get(String namespace, String name);

    long generation();

    /** A source that never changes. */
    static ObjectSource of(List<ObjectNode> objects) {
        return new ObjectSource() {
            @Override
            public Collection<ObjectNode> list() {
                return objects;
            }

            @Override
            public Optional<ObjectNode> get(String namespace, String name) {
                String ns = namespace == null ? "" : namespace;
                return objects.stream().filter(o -> o.path("metadata").path("namespace").asText("").equals(ns)
                        && o.path("metadata").path("name").asText().equals(name)).findFirst();
            }

            @Override
            public long generation() {
                return 0;
            }
        };
    }
}
