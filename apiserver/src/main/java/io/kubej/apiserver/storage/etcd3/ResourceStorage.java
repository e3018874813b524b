package io.kubej.apiserver.storage.etcd3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.storage.ValueTransformer;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage.Event;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The storage of one resource (upstream {@code storage.Interface} as the generic registry sees
 * it): objects addressed by namespace and name, never by etcd key. Where the keys are
 * ({@code /registry/pods/default/web-0}, {@code /registry/minions/worker-0}) is decided here and
 * nowhere else; so is how a paged list continues, and which transformer (encryption at rest)
 * its values pass through.
 */
public final class ResourceStorage {
    private final Etcd3Storage etcd;
    private final String root;
    private final boolean namespaced;
    private final ValueTransformer transformer;

    ResourceStorage(Etcd3Storage etcd, String root, boolean namespaced, ValueTransformer transformer) {
        this.etcd = etcd;
        this.root = root;
        this.namespaced = namespaced;
        this.transformer = transformer;
    }

    /** A page of a list, read at one revision. */
    public record ListPage(List<ObjectNode> items, long revision, String continueToken) {
    }

    private String key(String namespace, String name) {
        return namespaced ? root + "/" + namespace + "/" + name : root + "/" + name;
    }

    /** The key prefix of a list: one namespace, or everything when namespace is null or empty. */
    private String listPrefix(String namespace) {
        return namespaced && namespace != null && !namespace.isEmpty() ? root + "/" + namespace + "/" : root + "/";
    }

    public Optional<Versioned> get(String namespace, String name) {
        return etcd.get(transformer, key(namespace, name));
    }

    /** Creates the object if its name is free; the stored object, or empty if it exists. */
    public Optional<ObjectNode> create(String namespace, String name, ObjectNode object) {
        return etcd.create(transformer, key(namespace, name), object);
    }

    /** Writes the object if it is still at modRevision; empty on a lost race. */
    public Optional<ObjectNode> updateIf(String namespace, String name, long modRevision, ObjectNode object) {
        return etcd.updateIf(transformer, key(namespace, name), modRevision, object);
    }

    /** Removes the object if it is still at modRevision; false on a lost race. */
    public boolean deleteIf(String namespace, String name, long modRevision) {
        return etcd.deleteIf(key(namespace, name), modRevision);
    }

    /**
     * One page of the objects that match filter, at revision (0 = now), continuing after a
     * previous page's token. limit 0 means everything. Objects are in key order, so each
     * appears exactly once across pages, even while others are added.
     *
     * @throws Etcd3Storage.Compacted when revision is older than etcd's history
     */
    public ListPage list(String namespace, long revision, String continueToken, long limit, Predicate<ObjectNode> filter) {
        String prefix = listPrefix(namespace);
        String start = null;
        if (continueToken != null && !continueToken.isEmpty()) {
            ContinueToken token = ContinueToken.decode(continueToken, prefix);
            revision = token.revision();
            start = token.startKey();
        }
        Etcd3Storage.ListResult result;
        try {
            result = etcd.list(transformer, prefix, start, revision);
        } catch (Etcd3Storage.Compacted e) {
            if (start != null) {
                throw StatusError.expired("The provided continue parameter is too old to display a consistent list result. "
                        + "You can start a new list without the continue parameter.");
            }
            throw e;
        }
        List<ObjectNode> items = new ArrayList<>();
        String next = null;
        for (Versioned v : result.items()) {
            if (!filter.test(v.object())) {
                continue;
            }
            if (limit > 0 && items.size() == limit) {
                ObjectNode last = items.get(items.size() - 1);
                String lastKey = key(last.path("metadata").path("namespace").asText(null), last.path("metadata").path("name").asText());
                next = new ContinueToken(result.revision(), lastKey + "\u0000").encode();
                break;
            }
            items.add(v.object());
        }
        return new ListPage(items, result.revision(), next);
    }

    /** Throws Compacted if the history at revision is gone. */
    public void checkNotCompacted(String namespace, long revision) {
        etcd.checkNotCompacted(listPrefix(namespace), revision);
    }

    /** Watches one namespace (or all) from fromRevision inclusive; close the result to stop. */
    public AutoCloseable watch(String namespace, long fromRevision, Consumer<Event> onEvent, Consumer<Throwable> onError) {
        return etcd.watch(transformer, listPrefix(namespace), fromRevision, onEvent, onError);
    }

    /** The watch the cache keeps on this resource's whole prefix. */
    public Etcd3Storage.ProgressWatch watchAll(long fromRevision, Consumer<Event> onEvent, java.util.function.LongConsumer onProgress,
                                               Consumer<Throwable> onError) {
        return etcd.watchWithProgress(transformer, root + "/", fromRevision, onEvent, onProgress, onError);
    }

    /** "ns/name" or "name": the cache's key of an object, ordered as etcd orders keys. */
    public String cacheKey(ObjectNode object) {
        String name = object.path("metadata").path("name").asText();
        return namespaced ? object.path("metadata").path("namespace").asText() + "/" + name : name;
    }

    /** Whether no object of this resource changed in (from, to]; see {@link Etcd3Storage#unchangedBetween}. */
    public boolean unchangedBetween(long from, long to) {
        return etcd.unchangedBetween(root + "/", from, to);
    }

    public boolean namespaced() {
        return namespaced;
    }

    public long currentRevision() {
        return etcd.currentRevision();
    }
}
