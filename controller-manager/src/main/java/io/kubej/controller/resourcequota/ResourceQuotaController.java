package io.kubej.controller.resourcequota;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The resource quota controller (upstream: pkg/controller/resourcequota,
 * {@code resourcequota-controller} service account): keeps every ResourceQuota's
 * {@code status.hard} equal to its {@code spec.hard} and {@code status.used} equal to what its
 * namespace holds ({@link QuotaUsage}), which {@code kubectl describe quota} shows.
 *
 * <p>Upstream's two triggers: "replenishment", a change to a counted object (a pod created,
 * finishing or deleted; a Service, ConfigMap, Secret, PVC or ReplicationController created or
 * deleted) enqueues the quotas of its namespace; and a full resync of every quota each
 * {@code --resource-quota-sync-period} (5m), which also catches kinds kubej has no informer for
 * ({@code count/deployments.apps} and the like, counted with a list when the quota is synced).
 * The API server's quota admission also charges {@code status.used} at each create; this
 * controller's numbers are what it converges on.
 */
public final class ResourceQuotaController extends KeyedController {
    public static final String NAME = "resourcequota-controller";

    private final KubernetesClient client;
    private final Lister<ResourceQuota> quotas;
    private final Lister<Pod> pods;
    private final Lister<Service> services;
    private final Lister<PersistentVolumeClaim> pvcs;
    /** The other informer-backed kinds, by the quota's name for them. */
    private final Map<String, Lister<? extends HasMetadata>> counted = new LinkedHashMap<>();
    private final Duration resyncPeriod;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, NAME + "-resync");
        t.setDaemon(true);
        return t;
    });

    public ResourceQuotaController(KubernetesClient client, SharedIndexInformer<ResourceQuota> quotaInformer,
                                   SharedIndexInformer<Pod> podInformer, SharedIndexInformer<Service> serviceInformer,
                                   SharedIndexInformer<ConfigMap> configMapInformer, SharedIndexInformer<Secret> secretInformer,
                                   SharedIndexInformer<PersistentVolumeClaim> pvcInformer,
                                   SharedIndexInformer<ReplicationController> rcInformer, Duration resyncPeriod) {
        super(NAME, List.of(quotaInformer, podInformer, serviceInformer, configMapInformer, secretInformer, pvcInformer, rcInformer));
        this.client = client;
        this.resyncPeriod = resyncPeriod;
        this.quotas = new Lister<>(quotaInformer.getIndexer());
        this.pods = new Lister<>(podInformer.getIndexer());
        this.services = new Lister<>(serviceInformer.getIndexer());
        this.pvcs = new Lister<>(pvcInformer.getIndexer());
        counted.put("configmaps", new Lister<>(configMapInformer.getIndexer()));
        counted.put("secrets", new Lister<>(secretInformer.getIndexer()));
        counted.put("replicationcontrollers", new Lister<>(rcInformer.getIndexer()));
        counted.put("resourcequotas", quotas);
        quotaInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                queue.add(Keys.of(q));
            }

            @Override
            public void onUpdate(ResourceQuota o, ResourceQuota n) {
                // status writes (ours and admission's) need no sync; a new spec.hard does
                if (!Objects.equals(o.getSpec(), n.getSpec())) {
                    queue.add(Keys.of(n));
                }
            }

            @Override
            public void onDelete(ResourceQuota q, boolean unknown) {
                replenish(q);
            }
        });
        podInformer.addEventHandler(replenishment((o, n) -> !Objects.equals(phase(o), phase(n))
                || !Objects.equals(o.getMetadata().getDeletionTimestamp(), n.getMetadata().getDeletionTimestamp())));
        serviceInformer.addEventHandler(replenishment((o, n) -> !Objects.equals(o.getSpec().getType(), n.getSpec().getType())
                || !Objects.equals(o.getSpec().getPorts(), n.getSpec().getPorts())));
        pvcInformer.addEventHandler(replenishment((o, n) -> !Objects.equals(o.getSpec().getResources(), n.getSpec().getResources())));
        configMapInformer.addEventHandler(replenishment((o, n) -> false));
        secretInformer.addEventHandler(replenishment((o, n) -> false));
        rcInformer.addEventHandler(replenishment((o, n) -> false));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        super.run(workers, cacheSyncTimeout);
        long period = resyncPeriod.toMillis();
        ticker.scheduleAtFixedRate(() -> quotas.list().forEach(q -> queue.add(Keys.of(q))), period, period, TimeUnit.MILLISECONDS);
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    /** Enqueues the namespace's quotas on an add or delete, and on an update that {@code matters}. */
    private <T extends HasMetadata> ResourceEventHandler<T> replenishment(java.util.function.BiPredicate<T, T> matters) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                replenish(obj);
            }

            @Override
            public void onUpdate(T o, T n) {
                if (matters.test(o, n)) {
                    replenish(n);
                }
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
                replenish(obj);
            }
        };
    }

    private void replenish(HasMetadata changed) {
        quotas.namespace(changed.getMetadata().getNamespace()).list().forEach(q -> queue.add(Keys.of(q)));
    }

    @Override
    protected void syncHandler(String key) {
        ResourceQuota quota = quotas.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (quota == null) {
            return;
        }
        String ns = quota.getMetadata().getNamespace();
        Map<String, Quantity> hard = quota.getSpec() == null || quota.getSpec().getHard() == null ? Map.of() : quota.getSpec().getHard();
        List<String> scopes = quota.getSpec() == null || quota.getSpec().getScopes() == null ? List.of() : quota.getSpec().getScopes();
        Map<String, String> used = QuotaUsage.used(hard.keySet(), scopes, new QuotaUsage.Namespace() {
            @Override
            public List<Pod> pods() {
                return pods.namespace(ns).list();
            }

            @Override
            public List<Service> services() {
                return services.namespace(ns).list();
            }

            @Override
            public List<PersistentVolumeClaim> persistentVolumeClaims() {
                return pvcs.namespace(ns).list();
            }

            @Override
            public int count(String resource) {
                Lister<? extends HasMetadata> lister = counted.get(resource);
                return lister != null ? lister.namespace(ns).list().size() : listCount(ns, resource);
            }
        }, Instant.now());
        Map<String, String> hardStrings = strings(hard);
        ResourceQuotaStatus old = quota.getStatus();
        // compared as written: the API server's quota admission writes plain numbers ("0.5"), which are rewritten once
        // in the form kubectl users know ("500m")
        if (old != null && strings(old.getHard()).equals(hardStrings) && strings(old.getUsed()).equals(used)) {
            return;
        }
        ResourceQuota next = Serialization.clone(quota);
        next.setStatus(new ResourceQuotaStatus(quantities(hardStrings), quantities(used)));
        try {
            client.resourceQuotas().inNamespace(ns).resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e; // 409: admission charged it meanwhile; the next sync recounts
            }
        }
    }

    /** {@code <plural>} or {@code <plural>.<group>} of a kind without an informer here, counted with one list. */
    private int listCount(String namespace, String resource) {
        int dot = resource.indexOf('.');
        String plural = dot < 0 ? resource : resource.substring(0, dot);
        String group = dot < 0 ? "" : resource.substring(dot + 1);
        String version = group.isEmpty() ? "v1" : client.getApiGroup(group) == null ? null
                : client.getApiGroup(group).getPreferredVersion().getVersion();
        if (version == null) {
            return 0; // not served (yet)
        }
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
                .withPlural(plural).withNamespaced(true).build();
        return client.genericKubernetesResources(context).inNamespace(namespace).list().getItems().size();
    }

    private static Map<String, String> strings(Map<String, Quantity> q) {
        Map<String, String> out = new LinkedHashMap<>();
        if (q != null) {
            q.forEach((k, v) -> out.put(k, v.toString()));
        }
        return out;
    }

    private static Map<String, Quantity> quantities(Map<String, String> m) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, new Quantity(v)));
        return out;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        super.close();
    }
}
