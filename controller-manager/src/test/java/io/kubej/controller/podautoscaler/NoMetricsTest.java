package io.kubej.controller.podautoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NoMetricsTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    static HorizontalPodAutoscaler cpuHpa() {
        return new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web").withGeneration(2L).endMetadata().withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web").endScaleTargetRef()
                .withMinReplicas(1).withMaxReplicas(5).addNewMetric().withType("Resource").withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization").withAverageUtilization(50).endTarget().endResource().endMetric().endSpec().build();
    }

    @Test
    void aCpuHpaIsAbleToScaleButNotActiveForWantOfTheResourceMetricsApi() {
        var status = NoMetrics.status(cpuHpa(), 3, null, NOW);
        assertThat(status.getCurrentReplicas()).isEqualTo(3);
        assertThat(status.getDesiredReplicas()).isEqualTo(3);
        assertThat(NoMetrics.summary(status)).containsExactly(
                "AbleToScale=True/SucceededGetScale/the HPA controller was able to get the target's current scale",
                "ScalingActive=False/FailedGetResourceMetric/the HPA was unable to compute the replica count: failed to get cpu "
                        + "utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: "
                        + "the server could not find the requested resource (get pods.metrics.k8s.io)");
    }

    @Test
    void theSummaryEventNamesTheFirstInvalidMetric() {
        assertThat(NoMetrics.invalidMetrics(cpuHpa().getSpec().getMetrics())).isEqualTo("invalid metrics (1 invalid out of 1), first error "
                + "is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: "
                + "unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)");
    }

    @Test
    void aTargetScaledToZeroDisablesScalingAndAMissingTargetCannotBeScaled() {
        assertThat(NoMetrics.summary(NoMetrics.status(cpuHpa(), 0, null, NOW)).get(1))
                .isEqualTo("ScalingActive=False/ScalingDisabled/scaling is disabled since the replica count of the target is zero");
        assertThat(NoMetrics.summary(NoMetrics.status(cpuHpa(), null, "deployments.apps \"web\" not found", NOW))).containsExactly(
                "AbleToScale=False/FailedGetScale/the HPA controller was unable to get the target's current scale: deployments.apps \"web\" not found");
    }

    @Test
    void customMetricsFailForWantOfTheirApis() {
        HorizontalPodAutoscaler pods = new HorizontalPodAutoscalerBuilder(cpuHpa()).editSpec().withMetrics().addNewMetric().withType("Pods")
                .withNewPods().withNewMetric().withName("qps").endMetric().endPods().endMetric().endSpec().build();
        assertThat(NoMetrics.firstFailure(pods.getSpec().getMetrics()).reason()).isEqualTo("FailedGetPodsMetric");
        assertThat(NoMetrics.firstFailure(pods.getSpec().getMetrics()).message()).contains("custom.metrics.k8s.io");
    }

    @Test
    void aRepeatedSyncChangesNothingAndKeepsTransitionTimes() {
        HorizontalPodAutoscaler hpa = cpuHpa();
        hpa.setStatus(NoMetrics.status(hpa, 3, null, NOW));
        var again = NoMetrics.status(hpa, 3, null, NOW.plusSeconds(15));
        assertThat(NoMetrics.changes(hpa.getStatus(), again)).isFalse();
        assertThat(again.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(NoMetrics.changes(hpa.getStatus(), NoMetrics.status(hpa, 4, null, NOW))).isTrue();
    }
}
