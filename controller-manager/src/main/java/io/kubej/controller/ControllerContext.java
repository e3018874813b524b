package io.kubej.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What every controller is built from (upstream: {@code ControllerContext} in
 * cmd/kube-controller-manager/app): one shared informer per kind for the whole process, the
 * client each controller writes with, and the command-line options.
 *
 * <p>Sharing matters: the pod cache is read by the ReplicaSet, Deployment, endpoints and
 * garbage-collector controllers, and holding four copies of every pod (and four watches on the
 * API server) would be four times the memory and load.
 */
public final class ControllerContext {
    private final SharedInformerFactory factory;
    private final Function<String, KubernetesClient> clients;
    private final KubernetesClient ownClient;
    private final KubeControllerManager options;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();

    ControllerContext(SharedInformerFactory factory, KubernetesClient ownClient,
                      Function<String, KubernetesClient> clients, KubeControllerManager options) {
        this.factory = factory;
        this.ownClient = ownClient;
        this.clients = clients;
        this.options = options;
    }

    /** The process-wide informer for {@code type}, made on first use (all start together later). */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>) informers.computeIfAbsent(type, t -> factory.sharedIndexInformerFor(type, 0));
    }

    /**
     * The client a controller writes with: its own service account's with
     * {@code --use-service-account-credentials}, else the controller manager's. Informers always
     * use the controller manager's own identity (as upstream: system:kube-controller-manager may
     * list and watch everything).
     */
    public KubernetesClient clientFor(String serviceAccount) {
        return clients.apply(serviceAccount);
    }

    /** The controller manager's own client (discovery, informers for kinds found at run time). */
    public KubernetesClient client() {
        return ownClient;
    }

    /** The command line: controllers read their own flags from it. */
    public KubeControllerManager options() {
        return options;
    }
}
