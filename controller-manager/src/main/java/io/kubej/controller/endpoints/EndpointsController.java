package io.kubej.controller.endpoints;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps an Endpoints object, named as its Service, listing the IPs and ports of the pods each
 * selector-based Service selects (upstream: pkg/controller/endpoint/endpoints_controller.go).
 * kube-proxy reads these to program the Service's virtual IP.
 *
 * <p>Keys are Service keys. A pod change enqueues every Service in its namespace whose selector
 * matches the pod before or after the change. Services without a selector are left alone: their
 * Endpoints are the user's to write.
 */
public final class EndpointsController extends KeyedController {
    public static final String NAME = "endpoints-controller";

    private final KubernetesClient client;
    private final Lister<Service> serviceLister;
    private final Lister<Pod> podLister;
    private final Lister<Endpoints> endpointsLister;

    public EndpointsController(KubernetesClient client, SharedIndexInformer<Service> serviceInformer,
            SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Endpoints> endpointsInformer) {
        super(NAME, List.of(serviceInformer, podInformer, endpointsInformer));
        this.client = client;
        this.serviceLister = new Lister<>(serviceInformer.getIndexer());
        this.podLister = new Lister<>(podInformer.getIndexer());
        this.endpointsLister = new Lister<>(endpointsInformer.getIndexer());
        serviceInformer.addEventHandler(enqueueingHandler());
        podInformer.addEventHandler(ServicePods.enqueueServicesOf(serviceLister, queue::add));
        // someone else edited or deleted an Endpoints object we manage: put it back
        endpointsInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints e) {
            }

            @Override
            public void onUpdate(Endpoints o, Endpoints n) {
                enqueueIfServiceExists(n);
            }

            @Override
            public void onDelete(Endpoints e, boolean unknown) {
                enqueueIfServiceExists(e);
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    private void enqueueIfServiceExists(Endpoints e) {
        if (serviceLister.namespace(e.getMetadata().getNamespace()).get(e.getMetadata().getName()) != null) {
            queue.add(Keys.of(e));
        }
    }

    @Override
    protected void syncHandler(String key) {
        String namespace = Keys.namespace(key);
        String name = Keys.name(key);
        Service service = serviceLister.namespace(namespace).get(name);
        if (service == null) {
            deleteEndpoints(namespace, name);
            return;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return; // not ours: a Service without selector has user-managed Endpoints
        }
        List<Pod> pods = podLister.namespace(namespace).list().stream()
                .filter(p -> LabelSelectors.matchesMap(selector, p.getMetadata().getLabels()))
                .toList();
        List<EndpointSubset> subsets = EndpointSubsets.build(service, pods);
        Map<String, String> labels = service.getMetadata().getLabels() == null
                ? new HashMap<>() : new HashMap<>(service.getMetadata().getLabels());

        Endpoints current = endpointsLister.namespace(namespace).get(name);
        if (current == null) {
            Endpoints fresh = new EndpointsBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                    .withSubsets(subsets)
                    .build();
            try {
                client.endpoints().inNamespace(namespace).resource(fresh).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // created meanwhile (the cache lags): retry as an update
                throw new IllegalStateException("Endpoints " + key + " already exists; will update", e);
            }
            return;
        }
        List<EndpointSubset> currentSubsets = current.getSubsets() == null ? List.of() : current.getSubsets();
        Map<String, String> currentLabels = current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels();
        if (currentSubsets.equals(subsets) && currentLabels.equals(labels)) {
            return; // already as it should be
        }
        Endpoints updated = Serialization.clone(current);
        updated.getMetadata().setLabels(labels);
        updated.setSubsets(subsets);
        // update with the cached resourceVersion: a 409 means the cache was stale; retry later
        client.endpoints().inNamespace(namespace).resource(updated).update();
    }

    private void deleteEndpoints(String namespace, String name) {
        try {
            client.endpoints().inNamespace(namespace).withName(name).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
