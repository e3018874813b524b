package io.kubej.apiserver.registry.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** autoscaling/v1 <-> v2: the CPU target maps, and everything else survives a v1 round trip. */
class HorizontalPodAutoscalerV1Test {
    static ObjectNode yaml(String s) throws Exception {
        return (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(s);
    }

    @Test
    void theCpuTargetMapsBothWays() throws Exception {
        ObjectNode v1 = yaml("""
                apiVersion: autoscaling/v1
                kind: HorizontalPodAutoscaler
                metadata: {name: web}
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 5, targetCPUUtilizationPercentage: 50}
                status: {currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 30}
                """);
        ObjectNode v2 = HorizontalPodAutoscalerV1.TO_V2.toStorage(v1);
        assertThat(v2.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(v2.path("spec").has("targetCPUUtilizationPercentage")).isFalse();
        assertThat(v2.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(50);
        assertThat(v2.at("/status/currentMetrics/0/resource/current/averageUtilization").asInt()).isEqualTo(30);
        assertThat(HorizontalPodAutoscalerV1.TO_V2.fromStorage(v2)).isEqualTo(v1);
    }

    @Test
    void whatV1CannotSayRidesInAnnotations() throws Exception {
        ObjectNode v2 = yaml("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: web}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
                  maxReplicas: 5
                  metrics:
                  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
                  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}}
                  behavior: {scaleDown: {stabilizationWindowSeconds: 30}}
                status:
                  currentReplicas: 1
                  desiredReplicas: 1
                  conditions: [{type: AbleToScale, status: 'True'}]
                """);
        ObjectNode v1 = HorizontalPodAutoscalerV1.TO_V2.fromStorage(v2);
        assertThat(v1.at("/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
        assertThat(v1.at("/metadata/annotations").toString()).contains(HorizontalPodAutoscalerV1.METRICS)
                .contains(HorizontalPodAutoscalerV1.BEHAVIOR).contains(HorizontalPodAutoscalerV1.CONDITIONS);
        assertThat(v1.path("spec").has("metrics")).isFalse();
        // a v1 client writes back what it read: nothing of v2 is lost
        assertThat(HorizontalPodAutoscalerV1.TO_V2.toStorage(v1)).isEqualTo(v2);
    }
}
