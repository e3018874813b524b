package io.kubej.apiserver.registry;

import java.util.List;
import java.util.Set;

/**
 * One REST resource the server serves: its names as discovery shows them, where it lives in
 * etcd, and its strategy and printer.
 *
 * @param etcdResource the key segment under the prefix; upstream keeps some historic names
 *                     (nodes are {@code minions}, services {@code services/specs})
 * @param fieldLabels  the fields a fieldSelector may use
 * @param subresources e.g. {@code status}, {@code binding}, {@code scale}
 */
public record Resource(String group, String version, String plural, String singular, String kind,
                       boolean namespaced, String etcdResource, List<String> shortNames,
                       List<String> categories, Set<String> fieldLabels, List<String> subresources,
                       RESTStrategy strategy, TableConvertor table) {

    public String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code pods} or {@code replicasets.apps}, as messages name a resource. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
