package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Set;

/**
 * One resource as discovery lists it (upstream: a RESTMapping): the kind it serves, the plural
 * its URLs use, whether it is namespaced, and its verbs.
 */
record ResourceMapping(String group, String version, String kind, String plural, boolean namespaced, Set<String> verbs) {
    ResourceMapping {
        verbs = Set.copyOf(verbs);
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** What the garbage collector can follow: it lists, watches and deletes (upstream: GetDeletableResources). */
    boolean deletable() {
        return verbs.containsAll(Set.of("list", "watch", "delete"));
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return (group.isEmpty() ? "" : group + "/") + version + ", Resource=" + plural;
    }
}
