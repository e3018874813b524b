package io.kubej.controller.podautoscaler;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerConditionBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an HPA's status says when no metrics can be read (upstream: the horizontal controller's
 * reconcileAutoscaler up to computeReplicasForMetrics, with each metrics client failing as it
 * does on a cluster without metrics-server or a custom metrics adapter). kubej serves neither
 * {@code metrics.k8s.io} nor {@code custom.metrics.k8s.io} / {@code external.metrics.k8s.io}, so
 * every metric fails and nothing is scaled; these are the conditions and the first metric's
 * error that {@code kubectl describe hpa} shows.
 */
public final class NoMetrics {
    private NoMetrics() {
    }

    /**
     * The reason and message a metric's failure is reported with, as upstream words them, and
     * how computeReplicasForMetrics wraps it ({@code failed to get cpu resource metric value: ...}).
     */
    public record Failure(String reason, String message, String wrapped) {
    }

    /**
     * Upstream's FailedComputeMetricsReplicas Event: every metric failed, and the first one's error.
     */
    public static String invalidMetrics(List<MetricSpec> metrics) {
        int count = metrics == null || metrics.isEmpty() ? 1 : metrics.size();
        return "invalid metrics (" + count + " invalid out of " + count + "), first error is: " + firstFailure(metrics).wrapped();
    }

    /** Why the first of {@code metrics} cannot be read (an HPA without metrics gets cpu at 80%, as upstream's defaulting). */
    public static Failure firstFailure(List<MetricSpec> metrics) {
        MetricSpec m = metrics == null || metrics.isEmpty() ? null : metrics.get(0);
        String type = m == null ? "Resource" : m.getType();
        return switch (type) {
            case "Pods" -> failure("FailedGetPodsMetric", "unable to get metric " + m.getPods().getMetric().getName()
                    + ": unable to fetch metrics from custom metrics API: " + noApi("custom.metrics.k8s.io"), "pods metric");
            case "Object" -> failure("FailedGetObjectMetric", "unable to get metric " + m.getObject().getMetric().getName()
                    + ": unable to fetch metrics from custom metrics API: " + noApi("custom.metrics.k8s.io"), "object metric");
            case "External" -> failure("FailedGetExternalMetric", "unable to get external metric " + m.getExternal().getMetric().getName()
                    + ": unable to fetch metrics from external metrics API: " + noApi("external.metrics.k8s.io"), "external metric");
            case "ContainerResource" -> failure("FailedGetContainerResourceMetric", "failed to get "
                    + m.getContainerResource().getName() + " utilization: unable to get metrics for resource "
                    + m.getContainerResource().getName() + ": unable to fetch metrics from resource metrics API: " + noResourceMetrics(),
                    m.getContainerResource().getName() + " container metric");
            default -> {
                String resource = m == null ? "cpu" : m.getResource().getName();
                yield failure("FailedGetResourceMetric", "failed to get " + resource + " utilization: unable to get metrics for resource "
                        + resource + ": unable to fetch metrics from resource metrics API: " + noResourceMetrics(), resource + " resource metric");
            }
        };
    }

    private static Failure failure(String reason, String message, String what) {
        return new Failure(reason, message, "failed to get " + what + " value: " + message);
    }

    private static String noResourceMetrics() {
        return "the server could not find the requested resource (get pods.metrics.k8s.io)";
    }

    private static String noApi(String group) {
        return "no custom metrics API (" + group + ") registered";
    }

    /**
     * The status for an HPA whose target's scale was read ({@code currentReplicas}, or null with
     * {@code scaleError} when it could not be): AbleToScale, and ScalingActive False with the
     * metric's failure, or ScalingDisabled when the target is scaled to zero. Replicas stay.
     */
    public static HorizontalPodAutoscalerStatus status(HorizontalPodAutoscaler hpa, Integer currentReplicas, String scaleError, Instant now) {
        HorizontalPodAutoscalerStatus old = hpa.getStatus() == null ? new HorizontalPodAutoscalerStatus() : hpa.getStatus();
        HorizontalPodAutoscalerStatus next = new HorizontalPodAutoscalerStatus();
        next.setObservedGeneration(hpa.getMetadata().getGeneration());
        next.setLastScaleTime(old.getLastScaleTime());
        next.setCurrentMetrics(old.getCurrentMetrics());
        List<HorizontalPodAutoscalerCondition> conditions = new ArrayList<>();
        if (currentReplicas == null) {
            next.setCurrentReplicas(old.getCurrentReplicas() == null ? 0 : old.getCurrentReplicas());
            next.setDesiredReplicas(old.getDesiredReplicas() == null ? 0 : old.getDesiredReplicas());
            conditions.add(condition(old, "AbleToScale", "False", "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + scaleError, now));
        } else {
            next.setCurrentReplicas(currentReplicas);
            next.setDesiredReplicas(currentReplicas);
            conditions.add(condition(old, "AbleToScale", "True", "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale", now));
            int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
            if (currentReplicas == 0 && min != 0) {
                conditions.add(condition(old, "ScalingActive", "False", "ScalingDisabled",
                        "scaling is disabled since the replica count of the target is zero", now));
            } else {
                Failure f = firstFailure(hpa.getSpec().getMetrics());
                conditions.add(condition(old, "ScalingActive", "False", f.reason(),
                        "the HPA was unable to compute the replica count: " + f.message(), now));
            }
        }
        next.setConditions(conditions);
        return next;
    }

    /** A condition, keeping its last transition time while its status stays (upstream's setCondition). */
    private static HorizontalPodAutoscalerCondition condition(HorizontalPodAutoscalerStatus old, String type, String status, String reason,
                                                              String message, Instant now) {
        String since = now.truncatedTo(ChronoUnit.SECONDS).toString();
        if (old.getConditions() != null) {
            for (HorizontalPodAutoscalerCondition c : old.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new HorizontalPodAutoscalerConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }

    /** Whether two statuses differ in what a user reads (conditions' status, reason, message; replicas). */
    public static boolean changes(HorizontalPodAutoscalerStatus old, HorizontalPodAutoscalerStatus next) {
        if (old == null) {
            return true;
        }
        return !Objects.equals(old.getCurrentReplicas(), next.getCurrentReplicas())
                || !Objects.equals(old.getDesiredReplicas(), next.getDesiredReplicas())
                || !Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())
                || !summary(old).equals(summary(next));
    }

    static List<String> summary(HorizontalPodAutoscalerStatus s) {
        List<String> out = new ArrayList<>();
        if (s.getConditions() != null) {
            s.getConditions().forEach(c -> out.add(c.getType() + "=" + c.getStatus() + "/" + c.getReason() + "/" + c.getMessage()));
        }
        return out;
    }
}
