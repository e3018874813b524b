package io.kubej.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.Keys;
import io.kubej.controller.LabelSelectors;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Which Services a pod change concerns, for the controllers that follow Services' pods
 * (Endpoints, EndpointSlices; upstream: endpointutil.GetPodServiceMemberships): every Service
 * of the pod's namespace whose selector matches the pod before or after the change.
 */
public final class ServicePods {
    private ServicePods() {
    }

    /** A pod handler that passes the keys of the Services selecting the pod to {@code enqueue}. */
    public static ResourceEventHandler<Pod> enqueueServicesOf(Lister<Service> services, Consumer<String> enqueue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                servicesOf(p);
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                if (!Objects.equals(o.getMetadata().getResourceVersion(), n.getMetadata().getResourceVersion())) {
                    servicesOf(o);
                    servicesOf(n);
                }
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                servicesOf(p);
            }

            private void servicesOf(Pod pod) {
                for (Service s : services.namespace(pod.getMetadata().getNamespace()).list()) {
                    if (LabelSelectors.matchesMap(s.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                        enqueue.accept(Keys.of(s));
                    }
                }
            }
        };
    }
}
