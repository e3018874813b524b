package io.kubej.controller.podautoscaler;

import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The horizontal pod autoscaler controller (upstream: pkg/controller/podautoscaler,
 * {@code horizontal-pod-autoscaler} service account), reduced to what kubej can honestly do:
 * kubej has no metrics source (no metrics-server, no {@code metrics.k8s.io}, no custom or
 * external metrics API), so no replica count can be computed and nothing is ever scaled.
 * Rather than leave an HPA silently without status, this controller reads the target's scale
 * and reports what upstream reports on a cluster without metrics ({@link NoMetrics}):
 * AbleToScale True (or False, FailedGetScale), ScalingActive False with the metric's failure
 * (FailedGetResourceMetric and friends), and a Warning Event of the same reason, so
 * {@code kubectl describe hpa} says why it does not scale.
 *
 * <p>HPAs are looked at on change and every {@code --horizontal-pod-autoscaler-sync-period}
 * (15s), as upstream; the status is written, and the Event recorded, only when what they say
 * changes (kubej's recorder does not fold repeated Events into one).
 */
public final class HorizontalController extends KeyedController {
    public static final String NAME = "horizontal-pod-autoscaler-controller";

    private final KubernetesClient client;
    private final EventRecorder recorder;
    private final Lister<HorizontalPodAutoscaler> hpas;
    private final Duration syncPeriod;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, NAME + "-resync");
        t.setDaemon(true);
        return t;
    });

    public HorizontalController(KubernetesClient client, SharedIndexInformer<HorizontalPodAutoscaler> informer, Duration syncPeriod) {
        super(NAME, List.of(informer));
        this.client = client;
        this.recorder = new EventRecorder(client, "horizontal-pod-autoscaler");
        this.hpas = new Lister<>(informer.getIndexer());
        this.syncPeriod = syncPeriod;
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HorizontalPodAutoscaler h) {
                queue.add(Keys.of(h));
            }

            @Override
            public void onUpdate(HorizontalPodAutoscaler o, HorizontalPodAutoscaler n) {
                if (!Objects.equals(o.getSpec(), n.getSpec())) {
                    queue.add(Keys.of(n));
                }
            }

            @Override
            public void onDelete(HorizontalPodAutoscaler h, boolean unknown) {
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        super.run(workers, cacheSyncTimeout);
        long period = syncPeriod.toMillis();
        ticker.scheduleAtFixedRate(() -> hpas.list().forEach(h -> queue.add(Keys.of(h))), period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void syncHandler(String key) {
        HorizontalPodAutoscaler hpa = hpas.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (hpa == null) {
            return;
        }
        Integer replicas = null;
        String scaleError = null;
        try {
            replicas = currentReplicas(hpa.getMetadata().getNamespace(), hpa.getSpec().getScaleTargetRef());
        } catch (KubernetesClientException | IllegalArgumentException e) {
            scaleError = e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
                    ? k.getStatus().getMessage() : e.getMessage();
        }
        HorizontalPodAutoscalerStatus status = NoMetrics.status(hpa, replicas, scaleError, Instant.now());
        if (!NoMetrics.changes(hpa.getStatus(), status)) {
            return;
        }
        // the Events upstream records with these conditions (a target scaled to zero is no failure: none then)
        for (HorizontalPodAutoscalerCondition c : status.getConditions()) {
            if ("False".equals(c.getStatus()) && !"ScalingDisabled".equals(c.getReason())) {
                String message = c.getMessage().replaceFirst("^the HPA was unable to compute the replica count: ", "")
                        .replaceFirst("^the HPA controller was unable to get the target's current scale: ", "");
                recorder.event(hpa, EventRecorder.WARNING, c.getReason(), message);
                if ("ScalingActive".equals(c.getType())) {
                    recorder.event(hpa, EventRecorder.WARNING, "FailedComputeMetricsReplicas", NoMetrics.invalidMetrics(hpa.getSpec().getMetrics()));
                }
            }
        }
        HorizontalPodAutoscaler next = Serialization.clone(hpa);
        next.setStatus(status);
        try {
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(next.getMetadata().getNamespace()).resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The target's {@code /scale} replicas, for the kinds that have a scale subresource kubej serves. */
    private Integer currentReplicas(String namespace, CrossVersionObjectReference target) {
        String group = target.getApiVersion() == null || !target.getApiVersion().contains("/") ? "" : target.getApiVersion().split("/")[0];
        Scale scale = switch (group + "/" + target.getKind()) {
            case "apps/Deployment" -> client.apps().deployments().inNamespace(namespace).withName(target.getName()).scale();
            case "apps/ReplicaSet" -> client.apps().replicaSets().inNamespace(namespace).withName(target.getName()).scale();
            case "apps/StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(target.getName()).scale();
            case "/ReplicationController" -> client.replicationControllers().inNamespace(namespace).withName(target.getName()).scale();
            default -> throw new IllegalArgumentException("kubej reads the scale of Deployments, ReplicaSets, StatefulSets and "
                    + "ReplicationControllers only, not " + target.getApiVersion() + " " + target.getKind());
        };
        if (scale == null) {
            throw new IllegalArgumentException(target.getKind().toLowerCase() + " \"" + target.getName() + "\" not found");
        }
        // upstream counts the replicas asked for (spec), not those running
        return scale.getSpec() == null || scale.getSpec().getReplicas() == null ? 0 : scale.getSpec().getReplicas();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        recorder.close();
        super.close();
    }
}
