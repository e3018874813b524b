package io.kubej.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.KeyedController;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two small per-namespace controllers of upstream's, reconciled together because both react
 * to namespaces and to the one object each keeps in every namespace:
 * <ul>
 *   <li>{@code serviceaccount-controller} ({@code pkg/controller/serviceaccount/serviceaccounts_controller.go}):
 *       every active namespace has a ServiceAccount {@code default}, which pods run as unless
 *       they name another (the ServiceAccount admission plugin refuses a pod whose account is missing);</li>
 *   <li>{@code root-ca-cert-publisher} ({@code pkg/controller/certificates/rootcacertpublisher}):
 *       every namespace has the ConfigMap {@code kube-root-ca.crt} holding {@code --root-ca-file},
 *       which the projected token volume mounts as {@code ca.crt}, so a pod can trust the API server.</li>
 * </ul>
 * Each is a key per namespace; the sync creates what is missing and puts back what was changed.
 */
public final class ServiceAccountsController extends KeyedController {
    public static final String DEFAULT = "default";
    public static final String ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

    private final KubernetesClient serviceAccountsClient;
    private final KubernetesClient publisherClient;
    private final Lister<Namespace> namespaces;
    private final Lister<ServiceAccount> serviceAccounts;
    private final Lister<ConfigMap> configMaps;
    /** The CA bundle to publish, or null when --root-ca-file is not given (then nothing is published). */
    private final String rootCa;

    /**
     * @param serviceAccountsClient the service-account controller's client
     * @param publisherClient       the root-CA publisher's client
     */
    public ServiceAccountsController(KubernetesClient serviceAccountsClient, KubernetesClient publisherClient,
                                     SharedIndexInformer<Namespace> namespaces, SharedIndexInformer<ServiceAccount> serviceAccounts,
                                     SharedIndexInformer<ConfigMap> configMaps, String rootCa) {
        super("serviceaccount-controller", List.of(namespaces, serviceAccounts, configMaps));
        this.serviceAccountsClient = serviceAccountsClient;
        this.publisherClient = publisherClient;
        this.namespaces = new Lister<>(namespaces.getIndexer());
        this.serviceAccounts = new Lister<>(serviceAccounts.getIndexer());
        this.configMaps = new Lister<>(configMaps.getIndexer());
        this.rootCa = rootCa;
        namespaces.addEventHandler(handler(ns -> ns.getMetadata().getName()));
        serviceAccounts.addEventHandler(handler(sa -> DEFAULT.equals(sa.getMetadata().getName()) ? sa.getMetadata().getNamespace() : null));
        configMaps.addEventHandler(handler(cm -> ROOT_CA_CONFIGMAP.equals(cm.getMetadata().getName()) ? cm.getMetadata().getNamespace() : null));
    }

    @Override
    public String name() {
        return "serviceaccount-controller";
    }

    /** Any change that could concern a namespace's default account or CA ConfigMap enqueues that namespace. */
    private <T> ResourceEventHandler<T> handler(java.util.function.Function<T, String> namespaceOf) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(namespaceOf.apply(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue(namespaceOf.apply(newObj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue(namespaceOf.apply(obj));
            }
        };
    }

    private void enqueue(String namespace) {
        if (namespace != null) {
            queue.add(namespace);
        }
    }

    @Override
    protected void syncHandler(String namespace) {
        Namespace ns = namespaces.get(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return; // gone or terminating: nothing may be created in it
        }
        ensureDefaultServiceAccount(namespace);
        if (rootCa != null) {
            ensureRootCaConfigMap(namespace);
        }
    }

    private void ensureDefaultServiceAccount(String namespace) {
        if (serviceAccounts.namespace(namespace).get(DEFAULT) != null) {
            return;
        }
        createIgnoringConflict(() -> serviceAccountsClient.serviceAccounts().inNamespace(namespace)
                .resource(new ServiceAccountBuilder().withNewMetadata().withName(DEFAULT).withNamespace(namespace).endMetadata().build())
                .create());
    }

    private void ensureRootCaConfigMap(String namespace) {
        ConfigMap current = configMaps.namespace(namespace).get(ROOT_CA_CONFIGMAP);
        Map<String, String> want = Map.of("ca.crt", rootCa);
        if (current == null) {
            createIgnoringConflict(() -> publisherClient.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(ROOT_CA_CONFIGMAP).withNamespace(namespace)
                    .addToAnnotations("kubernetes.io/description", "Contains a CA bundle that can be used to verify the "
                            + "kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
                            + "No other usage is guaranteed across distributions of Kubernetes clusters.")
                    .endMetadata().withData(want).build()).create());
        } else if (!Objects.equals(current.getData(), want)) {
            ConfigMap fixed = new ConfigMapBuilder(current).withData(want).build();
            publisherClient.configMaps().inNamespace(namespace).resource(fixed).update();
        }
    }

    private static void createIgnoringConflict(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
