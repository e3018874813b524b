package io.kubej.scheduler;

import static io.kubej.scheduler.TestObjects.node;
import static io.kubej.scheduler.TestObjects.onNode;
import static io.kubej.scheduler.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.component.ConfigFiles;
import io.kubej.scheduler.framework.Status;
import io.kubej.scheduler.framework.plugins.defaultbinder.DefaultBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {

    @Test
    void fitErrorMessageIsAHistogramOfReasonsAsUpstream() {
        Map<String, Status> statuses = new LinkedHashMap<>();
        statuses.put("a", Status.unschedulable("NodeResourcesFit", "Insufficient cpu"));
        statuses.put("b", Status.unresolvable("NodeUnschedulable", "node(s) were unschedulable"));
        statuses.put("c", Status.unschedulable("NodeResourcesFit", "Insufficient cpu", "Insufficient memory"));
        assertThat(new FitError(3, statuses).getMessage())
                .isEqualTo("0/3 nodes are available: 2 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable.");
        assertThat(new FitError(0, Map.of()).getMessage()).isEqualTo("no nodes available to schedule pods");
    }

    @Test
    void selectHostPicksTheHighestScore() {
        Map<String, Long> scores = new LinkedHashMap<>();
        scores.put("a", 10L);
        scores.put("b", 90L);
        scores.put("c", 50L);
        assertThat(Scheduler.selectHost(scores)).isEqualTo("b");
    }

    @Test
    void selectHostBreaksTiesAtRandom() {
        Map<String, Long> scores = new LinkedHashMap<>();
        scores.put("a", 50L);
        scores.put("b", 50L);
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < 200; i++) {
            seen.add(Scheduler.selectHost(scores));
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void bindingGoesToThePodsBindingSubresource() {
        assertThat(DefaultBinder.bindingUrl("https://127.0.0.1:6443/", "default", "web-abcde"))
                .isEqualTo("https://127.0.0.1:6443/api/v1/namespaces/default/pods/web-abcde/binding");
        var b = DefaultBinder.binding(pod("web-abcde", null, null), "worker-0");
        assertThat(b.getTarget().getKind()).isEqualTo("Node");
        assertThat(b.getTarget().getName()).isEqualTo("worker-0");
        assertThat(b.getMetadata().getName()).isEqualTo("web-abcde");
    }

    @Test
    void theHardWaySchedulerConfigIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kube-scheduler.yaml");
        Files.writeString(file, """
                apiVersion: kubescheduler.config.k8s.io/v1beta1
                kind: KubeSchedulerConfiguration
                clientConnection:
                  kubeconfig: "/var/lib/kubernetes/kube-scheduler.kubeconfig"
                leaderElection:
                  leaderElect: true
                """);
        SchedulerConfiguration cfg = ConfigFiles.read(file, SchedulerConfiguration.class);
        assertThat(cfg.clientConnection.kubeconfig).isEqualTo("/var/lib/kubernetes/kube-scheduler.kubeconfig");
        assertThat(cfg.leaderElection.leaderElect).isTrue();
    }

    @Test
    void cacheCountsAssumedPodsUntilForgotten() {
        var cache = new io.kubej.scheduler.internal.cache.Cache();
        cache.addOrUpdateNode(node("n", "1", "1Gi", 10));
        var assumed = onNode(pod("p", "600m", null), "n");
        cache.assumePod(assumed);
        assertThat(cache.snapshot().get(0).requested().milliCpu()).isEqualTo(600);
        assertThatThrownBy(() -> cache.assumePod(assumed)).isInstanceOf(IllegalStateException.class);
        cache.forgetPod(assumed);
        assertThat(cache.snapshot().get(0).requested().milliCpu()).isZero();
    }

    @Test
    void aNodeHeartbeatIsNotAClusterEventButNewAllocatableIs() {
        var before = node("n", "1", "1Gi", 10);
        var heartbeat = node("n", "1", "1Gi", 10);
        heartbeat.getMetadata().setResourceVersion("2");
        heartbeat.getStatus().setConditions(java.util.List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                .withType("Ready").withStatus("True").withLastHeartbeatTime("2026-01-01T00:00:10Z").build()));
        var heartbeat2 = node("n", "1", "1Gi", 10);
        heartbeat2.getStatus().setConditions(java.util.List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                .withType("Ready").withStatus("True").withLastHeartbeatTime("2026-01-01T00:00:20Z").build()));
        assertThat(Scheduler.schedulingPropertiesChanged(heartbeat, heartbeat2)).isFalse();
        assertThat(Scheduler.schedulingPropertiesChanged(before, node("n", "4", "1Gi", 10))).isTrue();
    }
}
