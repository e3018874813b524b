package io.kubej.controller.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.ControllerExpectations;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The EndpointSlice mirroring controller (upstream: pkg/controller/endpointslicemirroring,
 * {@code endpointslicemirroring-controller} service account). A Service without a selector has
 * no pods for the EndpointSlice controller to follow; its user writes an Endpoints object by
 * hand instead. So that kube-proxy and everything else reading slices sees those endpoints too,
 * this controller mirrors each such Endpoints into EndpointSlices ({@link MirroredSlices}).
 * Endpoints of a Service with a selector, of no Service, or labelled
 * {@code endpointslice.kubernetes.io/skip-mirror: "true"} are not mirrored, and their mirrored
 * slices are removed.
 *
 * <p>Keys are Service keys (an Endpoints object has its Service's name). As the EndpointSlice
 * controller, a sync does not plan from a slice cache that has not seen its own last creates
 * and deletes ({@link ControllerExpectations}).
 */
public final class EndpointSliceMirroringController extends KeyedController {
    public static final String NAME = "endpointslice-mirroring-controller";
    static final String SERVICE_INDEX = "byMirroredService";

    private final KubernetesClient client;
    private final Lister<Service> services;
    private final Lister<Endpoints> endpoints;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final int maxEndpointsPerSubset;
    private final ControllerExpectations expectations = new ControllerExpectations();

    public EndpointSliceMirroringController(KubernetesClient client, SharedIndexInformer<Service> serviceInformer,
                                            SharedIndexInformer<Endpoints> endpointsInformer,
                                            SharedIndexInformer<EndpointSlice> sliceInformer, int maxEndpointsPerSubset) {
        super(NAME, List.of(serviceInformer, endpointsInformer, sliceInformer));
        this.client = client;
        this.services = new Lister<>(serviceInformer.getIndexer());
        this.endpoints = new Lister<>(endpointsInformer.getIndexer());
        this.slices = sliceInformer;
        this.maxEndpointsPerSubset = maxEndpointsPerSubset;
        sliceInformer.addIndexers(Map.of(SERVICE_INDEX, s -> mirrored(s) ? List.of(serviceKey(s)) : List.of()));
        serviceInformer.addEventHandler(handler(Keys::of));
        endpointsInformer.addEventHandler(handler(Keys::of));
        sliceInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice s) {
                if (mirrored(s)) {
                    expectations.creationObserved(serviceKey(s));
                    queue.add(serviceKey(s));
                }
            }

            @Override
            public void onUpdate(EndpointSlice o, EndpointSlice n) {
                if (mirrored(n)) {
                    queue.add(serviceKey(n));
                }
            }

            @Override
            public void onDelete(EndpointSlice s, boolean unknown) {
                if (mirrored(s)) {
                    expectations.deletionObserved(serviceKey(s), Keys.of(s));
                    queue.add(serviceKey(s));
                }
            }
        });
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> handler(java.util.function.Function<T, String> key) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                queue.add(key.apply(obj));
            }

            @Override
            public void onUpdate(T o, T n) {
                queue.add(key.apply(n));
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
                queue.add(key.apply(obj));
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    static boolean mirrored(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels != null && MirroredSlices.MANAGED_BY.equals(labels.get(MirroredSlices.MANAGED_BY_LABEL))
                && labels.containsKey(MirroredSlices.SERVICE_NAME_LABEL);
    }

    private static String serviceKey(EndpointSlice slice) {
        return Keys.of(slice.getMetadata().getNamespace(), slice.getMetadata().getLabels().get(MirroredSlices.SERVICE_NAME_LABEL));
    }

    /** Upstream's rule: only Endpoints of an existing Service without a selector, not marked skip-mirror. */
    static boolean shouldMirror(Service service, Endpoints ep) {
        if (service == null || ep == null) {
            return false;
        }
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        Map<String, String> labels = ep.getMetadata().getLabels();
        return (selector == null || selector.isEmpty())
                && (labels == null || !"true".equals(labels.get(MirroredSlices.SKIP_MIRROR_LABEL)));
    }

    @Override
    protected void syncHandler(String key) {
        if (!expectations.satisfiedExpectations(key)) {
            throw new IllegalStateException("the EndpointSlice cache has not seen this controller's last writes for " + key + " yet");
        }
        String ns = Keys.namespace(key);
        Service service = services.namespace(ns).get(Keys.name(key));
        Endpoints ep = endpoints.namespace(ns).get(Keys.name(key));
        List<EndpointSlice> existing = slices.getIndexer().byIndex(SERVICE_INDEX, key);
        List<EndpointSlice> desired = shouldMirror(service, ep) ? MirroredSlices.desired(ep, maxEndpointsPerSubset) : List.of();
        MirroredSlices.Plan plan = MirroredSlices.plan(desired, existing);
        if (plan.create().isEmpty() && plan.update().isEmpty() && plan.delete().isEmpty()) {
            return;
        }
        Set<String> deletes = plan.delete().stream().map(Keys::of).collect(Collectors.toSet());
        expectations.expectCreations(key, plan.create().size());
        expectations.expectDeletions(key, deletes);
        for (EndpointSlice s : plan.create()) {
            try {
                client.discovery().v1().endpointSlices().inNamespace(ns).resource(s).create();
            } catch (KubernetesClientException e) {
                expectations.creationObserved(key); // it will not come
                throw e;
            }
        }
        for (EndpointSlice s : plan.update()) {
            client.discovery().v1().endpointSlices().inNamespace(ns).resource(s).update();
        }
        for (EndpointSlice s : plan.delete()) {
            try {
                client.discovery().v1().endpointSlices().inNamespace(ns).withName(s.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key, Keys.of(s)); // no deletion event will come for it
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        log.info("mirrored Endpoints {}: {} slices created, {} updated, {} deleted", key, plan.create().size(), plan.update().size(),
                plan.delete().size());
    }
}
