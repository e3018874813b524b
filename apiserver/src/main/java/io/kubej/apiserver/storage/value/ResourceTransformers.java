package io.kubej.apiserver.storage.value;

import io.kubej.apiserver.storage.ValueTransformer;
import java.util.List;

/**
 * Which transformer each resource's values go through (upstream
 * {@code encryptionconfig.ResourceTransformers}): the first {@code resources[]} entry of the
 * EncryptionConfiguration that names the resource decides; a resource no entry names is
 * stored as it is (identity).
 *
 * <p>A name is {@code resource} for the core group ({@code secrets}), {@code resource.group}
 * ({@code deployments.apps}, {@code pandas.awesome.bears.example}), {@code *.group} for a whole
 * group ({@code *.apps}; {@code *.} is the core group) or {@code *.*} for everything, custom
 * resources included.
 */
public final class ResourceTransformers {
    /** Without {@code --encryption-provider-config}: everything as it is; an encrypted value is refused, never served as garbage. */
    public static final ResourceTransformers NONE = new ResourceTransformers(List.of(), "the API server has no --encryption-provider-config");

    /** One {@code resources[]} entry: the names it lists and its providers. */
    record Entry(List<GroupResource> names, ValueTransformer transformer) {
    }

    /** A parsed name of {@code resources[].resources}: {@code *} stands for any. */
    record GroupResource(String group, String resource) {
        static final String ANY = "*";

        /** {@code deployments.apps} is resource deployments of group apps; the group is everything after the first dot. */
        static GroupResource parse(String name) {
            int dot = name.indexOf('.');
            return dot < 0 ? new GroupResource("", name) : new GroupResource(name.substring(dot + 1), name.substring(0, dot));
        }

        boolean matches(String group, String resource) {
            return (this.group.equals(ANY) || this.group.equals(group)) && (this.resource.equals(ANY) || this.resource.equals(resource));
        }

        @Override
        public String toString() {
            return group.isEmpty() ? resource : resource + "." + group;
        }
    }

    private final List<Entry> entries;
    private final String unlistedReason;

    /**
     * @param entries        the {@code resources[]} entries in the file's order
     * @param unlistedReason why a resource no entry names is stored unencrypted, for messages
     */
    ResourceTransformers(List<Entry> entries, String unlistedReason) {
        this.entries = List.copyOf(entries);
        this.unlistedReason = unlistedReason;
    }

    /**
     * The transformer of one resource's values, by its group ("" for core) and plural.
     * events.k8s.io Events are stored as core Events, so they are encrypted as {@code events}
     * (upstream refuses {@code *.events.k8s.io} in the config for that reason).
     */
    public ValueTransformer forResource(String group, String resource) {
        String storedGroup = group.equals("events.k8s.io") && resource.equals("events") ? "" : group;
        for (Entry e : entries) {
            for (GroupResource name : e.names()) {
                if (name.matches(storedGroup, resource)) {
                    return e.transformer();
                }
            }
        }
        GroupResource self = new GroupResource(storedGroup, resource);
        return new PrefixTransformers(List.of(PrefixTransformers.identity()),
                "the providers for " + self + " (identity only: " + unlistedReason + ")");
    }
}
