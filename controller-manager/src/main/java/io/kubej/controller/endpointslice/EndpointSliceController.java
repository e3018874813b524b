package io.kubej.controller.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import io.kubej.controller.endpoints.ServicePods;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the EndpointSlices ({@code discovery.k8s.io/v1}) of every selector-based Service
 * (upstream: pkg/controller/endpointslice). EndpointSlices replace the single Endpoints object
 * per Service, which grew too big to send to every node on each change in large clusters:
 * slices hold at most {@code --max-endpoints-per-slice} endpoints each, carry per-endpoint
 * ready/serving/terminating conditions, node names and zones.
 *
 * <p>Keys are Service keys; pod changes enqueue the Services selecting the pod before or after
 * the change, slice changes enqueue the Service named by the slice's
 * {@code kubernetes.io/service-name} label (so a slice someone deletes is made again). The
 * planning is {@link SliceReconciler}'s; this class reads the caches and writes the plan.
 * Services without a selector are left to the mirroring of their Endpoints.
 *
 * <p>A sync must not plan from a cache that has not seen this controller's own last writes (it
 * would create a second slice for the same pods). As upstream's EndpointSliceTracker, the
 * writes are remembered until the informer reports them; a Service with writes still unseen
 * is retried a little later.
 */
public final class EndpointSliceController extends KeyedController {
    public static final String NAME = "endpointslice-controller";
    static final String SERVICE_INDEX = "byService";

    private final KubernetesClient client;
    private final int maxEndpointsPerSlice;
    private final Lister<Service> services;
    private final Lister<Pod> pods;
    private final Lister<Node> nodes;
    private final SharedIndexInformer<EndpointSlice> slices;
    /** Service key -> slice name -> the resourceVersion written (or {@link #DELETED}) and not yet seen in the cache. */
    private final Map<String, Map<String, String>> unseenWrites = new ConcurrentHashMap<>();
    private static final String DELETED = "deleted";

    public EndpointSliceController(KubernetesClient client, SharedIndexInformer<Service> serviceInformer,
                                   SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Node> nodeInformer,
                                   SharedIndexInformer<EndpointSlice> sliceInformer, int maxEndpointsPerSlice) {
        super(NAME, List.of(serviceInformer, podInformer, nodeInformer, sliceInformer));
        this.client = client;
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
        this.services = new Lister<>(serviceInformer.getIndexer());
        this.pods = new Lister<>(podInformer.getIndexer());
        this.nodes = new Lister<>(nodeInformer.getIndexer());
        this.slices = sliceInformer;
        sliceInformer.addIndexers(Map.of(SERVICE_INDEX, s -> List.of(serviceKey(s))));
        serviceInformer.addEventHandler(enqueueingHandler());
        podInformer.addEventHandler(ServicePods.enqueueServicesOf(services, queue::add));
        sliceInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice s) {
                seen(s, s.getMetadata().getResourceVersion());
                enqueueOwner(s);
            }

            @Override
            public void onUpdate(EndpointSlice o, EndpointSlice n) {
                seen(n, n.getMetadata().getResourceVersion());
                enqueueOwner(n);
            }

            @Override
            public void onDelete(EndpointSlice s, boolean unknown) {
                seen(s, DELETED);
                enqueueOwner(s);
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Only slices this controller manages lead back to a Service. */
    private void enqueueOwner(EndpointSlice slice) {
        if (managedByUs(slice)) {
            queue.add(serviceKey(slice));
        }
    }

    /** The cache now holds {@code state} of a slice: a write of ours at or before it has been seen. */
    private void seen(EndpointSlice slice, String state) {
        Map<String, String> unseen = unseenWrites.get(serviceKey(slice));
        if (unseen != null) {
            unseen.computeIfPresent(slice.getMetadata().getName(), (name, written) -> covers(state, written) ? null : written);
        }
    }

    /**
     * Remembers a write until the cache shows it. The informer may have reported it already
     * (it can be faster than the write's own reply), so the cache is looked at first.
     */
    private void wrote(String key, EndpointSlice slice, String state) {
        EndpointSlice cached = slices.getIndexer().getByKey(Keys.of(slice));
        String inCache = cached == null ? null : cached.getMetadata().getResourceVersion();
        if (inCache != null && covers(inCache, state)) {
            return;
        }
        unseenWrites.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(slice.getMetadata().getName(), state);
    }

    /**
     * Whether a state the cache shows includes a written one: deletion includes everything,
     * and a resourceVersion includes every earlier one (kubej's are etcd revisions, numbers).
     */
    static boolean covers(String seen, String written) {
        if (seen.equals(written) || seen.equals(DELETED)) {
            return true;
        }
        if (written.equals(DELETED)) {
            return false;
        }
        try {
            return Long.parseLong(seen) >= Long.parseLong(written);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean managedByUs(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels != null && SliceReconciler.MANAGED_BY.equals(labels.get(SliceReconciler.MANAGED_BY_LABEL))
                && labels.containsKey(SliceReconciler.SERVICE_NAME_LABEL);
    }

    private static String serviceKey(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String service = labels == null ? "" : labels.getOrDefault(SliceReconciler.SERVICE_NAME_LABEL, "");
        return slice.getMetadata().getNamespace() + "/" + service;
    }

    @Override
    protected void syncHandler(String key) {
        String namespace = Keys.namespace(key);
        Service service = services.namespace(namespace).get(Keys.name(key));
        if (service == null) {
            unseenWrites.remove(key);
            return; // its slices carry its ownerReference: the garbage collector removes them
        }
        Map<String, String> unseen = unseenWrites.getOrDefault(key, Map.of());
        if (!unseen.isEmpty()) {
            throw new IllegalStateException("the EndpointSlice cache has not seen the writes " + unseen + " yet");
        }
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return;
        }
        List<Pod> selected = pods.namespace(namespace).list().stream()
                .filter(p -> LabelSelectors.matchesMap(selector, p.getMetadata().getLabels())).toList();
        List<EndpointSlice> existing = slices.getIndexer().byIndex(SERVICE_INDEX, key).stream()
                .filter(EndpointSliceController::managedByUs).toList();
        SliceReconciler.Plan plan = SliceReconciler.reconcile(service, selected, existing, maxEndpointsPerSlice, this::zoneOf);
        apply(key, plan);
    }

    /** Creates first, deletes last, so that a proxy never sees a Service emptied in between. */
    private void apply(String key, SliceReconciler.Plan plan) {
        for (EndpointSlice s : plan.create()) {
            EndpointSlice created = client.discovery().v1().endpointSlices().inNamespace(s.getMetadata().getNamespace()).resource(s).create();
            wrote(key, created, created.getMetadata().getResourceVersion());
        }
        for (EndpointSlice s : plan.update()) {
            // the cached resourceVersion guards the write: a 409 means a stale cache, retried later
            EndpointSlice updated = client.discovery().v1().endpointSlices().inNamespace(s.getMetadata().getNamespace()).resource(s).update();
            wrote(key, updated, updated.getMetadata().getResourceVersion());
        }
        for (EndpointSlice s : plan.delete()) {
            try {
                wrote(key, s, DELETED);
                client.discovery().v1().endpointSlices().inNamespace(s.getMetadata().getNamespace())
                        .withName(s.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                seen(s, DELETED);
            }
        }
    }

    private String zoneOf(String nodeName) {
        Node node = nodes.get(nodeName);
        if (node == null || node.getMetadata().getLabels() == null) {
            return null;
        }
        return node.getMetadata().getLabels().get("topology.kubernetes.io/zone");
    }
}
