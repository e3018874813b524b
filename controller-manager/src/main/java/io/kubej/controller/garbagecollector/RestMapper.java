package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API server serves, from discovery ({@code /api/v1}, {@code /apis}, then each
 * {@code /apis/<group>/<version>}); upstream's GC uses a RESTMapper and
 * {@code GetDeletableResources} over the same documents. Nothing here lists kinds: a CRD
 * appears at the next {@link #refresh}.
 *
 * <p>Two answers: which resources to watch (each group's preferred version, every resource
 * that can be listed, watched and deleted, except Events, which nobody owns), and how to reach
 * the kind an ownerReference names (any served version).
 */
final class RestMapper {
    private static final Logger log = LoggerFactory.getLogger(RestMapper.class);
    /** Upstream's DefaultIgnoredResources: the GC never follows Events. */
    private static final Set<String> IGNORED = Set.of("/events", "events.k8s.io/events");
    /**
     * A miss re-reads discovery at most this often (a CRD defined since the last refresh), so that
     * references to kinds that do not exist cannot make every retry a full discovery.
     */
    private static final Duration MIN_REFRESH_ON_MISS = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private volatile Map<String, ResourceMapping> byApiVersionKind = Map.of();
    private volatile List<ResourceMapping> deletable = List.of();
    private volatile long lastRefreshNanos;

    RestMapper(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Re-reads discovery. A group version that cannot be read keeps what the last refresh found
     * for it (upstream keeps the monitors of groups whose discovery failed): a passing error must
     * not stop the monitors, and with them the graph, of a whole group.
     */
    synchronized void refresh() {
        Map<String, ResourceMapping> all = new ConcurrentHashMap<>();
        List<ResourceMapping> watch = new ArrayList<>();
        read("", "v1", true, all, watch);
        for (APIGroup g : client.getApiGroups().getGroups()) {
            String preferred = g.getPreferredVersion() == null ? null : g.getPreferredVersion().getVersion();
            for (GroupVersionForDiscovery gv : g.getVersions()) {
                read(g.getName(), gv.getVersion(), gv.getVersion().equals(preferred), all, watch);
            }
        }
        byApiVersionKind = all;
        deletable = List.copyOf(watch);
        lastRefreshNanos = System.nanoTime();
    }

    private void read(String group, String version, boolean preferred, Map<String, ResourceMapping> all, List<ResourceMapping> watch) {
        String gv = group.isEmpty() ? version : group + "/" + version;
        APIResourceList list;
        try {
            list = client.getApiResources(gv); // null when not found
        } catch (KubernetesClientException e) {
            list = null;
            log.info("discovery of {} failed: {}", gv, e.getMessage());
        }
        if (list == null || list.getResources() == null) {
            // listed by /apis but not readable now: keep what was known of it
            byApiVersionKind.values().stream().filter(m -> m.apiVersion().equals(gv)).forEach(m -> all.put(key(gv, m.kind()), m));
            deletable.stream().filter(m -> m.apiVersion().equals(gv)).forEach(watch::add);
            return;
        }
        for (APIResource r : list.getResources()) {
            if (r.getName().contains("/")) {
                continue; // a subresource
            }
            ResourceMapping m = new ResourceMapping(group, version, r.getKind(), r.getName(),
                    Boolean.TRUE.equals(r.getNamespaced()), r.getVerbs() == null ? Set.of() : new HashSet<>(r.getVerbs()));
            all.putIfAbsent(key(gv, r.getKind()), m);
            if (preferred && m.deletable() && !IGNORED.contains(group + "/" + r.getName())) {
                watch.add(m);
            }
        }
    }

    /** Resources to monitor: the preferred version of every deletable resource. */
    List<ResourceMapping> deletableResources() {
        return deletable;
    }

    /**
     * The resource serving {@code kind} in {@code apiVersion}. An unknown one re-reads discovery
     * (at most once every few seconds) before giving up with {@link RestMappingException}: the kind may be a CRD
     * defined since the last refresh.
     */
    ResourceMapping mapping(String apiVersion, String kind) {
        ResourceMapping m = byApiVersionKind.get(key(apiVersion, kind));
        if (m == null && refreshIfOlderThan(MIN_REFRESH_ON_MISS)) {
            m = byApiVersionKind.get(key(apiVersion, kind));
        }
        if (m == null) {
            throw new RestMappingException(apiVersion, kind);
        }
        return m;
    }

    /** One refresh for many workers missing at once; whether discovery was read. */
    private synchronized boolean refreshIfOlderThan(Duration age) {
        if (System.nanoTime() - lastRefreshNanos <= age.toNanos()) {
            return false;
        }
        refresh();
        return true;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + "|" + kind;
    }

    /** No served resource has this kind (upstream: restMappingError); retried, it may appear. */
    static final class RestMappingException extends RuntimeException {
        RestMappingException(String apiVersion, String kind) {
            super("unable to get REST mapping for " + apiVersion + "/" + kind);
        }
    }
}
