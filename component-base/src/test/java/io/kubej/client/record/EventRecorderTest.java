package io.kubej.client.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
    private static final Pod POD = new PodBuilder().withNewMetadata()
            .withNamespace("ns").withName("web-1").withUid("uid-1").withResourceVersion("42").endMetadata().build();

    /** A stand-in API server: records what is POSTed to events, answering once {@link #answer} is open. */
    private HttpServer api;
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final CountDownLatch answer = new CountDownLatch(1);
    private int status = 201;

    @AfterEach
    void stopApi() {
        if (api != null) {
            answer.countDown();
            api.stop(0);
        }
    }

    private KubernetesClient clientOfFakeApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/api/v1/namespaces/ns/events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            posted.add(body);
            byte[] reply = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        api.start();
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + api.getAddress().getPort())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @Test
    void anEventNamesTheObjectItIsAboutAndTheReportingNode() {
        try (EventRecorder recorder = new EventRecorder(null, "kubelet", "worker-0")) {
            Event e = recorder.newEvent(POD, EventRecorder.NORMAL, "Pulled", "pulled", Instant.parse("2025-01-01T10:00:00.5Z"));
            assertThat(e.getMetadata().getNamespace()).isEqualTo("ns");
            assertThat(e.getMetadata().getName()).startsWith("web-1.");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("v1");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("ns");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("web-1");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
            assertThat(e.getInvolvedObject().getResourceVersion()).isEqualTo("42");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getReason()).isEqualTo("Pulled");
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getFirstTimestamp()).isEqualTo("2025-01-01T10:00:00Z");
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
            assertThat(e.getSource().getHost()).isEqualTo("worker-0");
            assertThat(e.getReportingComponent()).isEqualTo("kubelet");
            assertThat(e.getReportingInstance()).isEqualTo("worker-0");
        }
    }

    @Test
    void withoutAHostTheComponentIsTheReportingInstance() {
        try (EventRecorder recorder = new EventRecorder(null, "default-scheduler")) {
            Event e = recorder.newEvent(POD, EventRecorder.WARNING, "FailedScheduling", "no nodes", Instant.now());
            assertThat(e.getSource().getHost()).isNull();
            assertThat(e.getReportingInstance()).isEqualTo("default-scheduler");
        }
    }

    @Test
    void eventsAboutClusterScopedObjectsGoToTheDefaultNamespace() {
        try (EventRecorder recorder = new EventRecorder(null, "kubelet", "worker-0")) {
            Event e = recorder.newEvent(new NodeBuilder().withNewMetadata().withName("worker-0").endMetadata().build(),
                    EventRecorder.NORMAL, "NodeReady", "ready", Instant.now());
            assertThat(e.getMetadata().getNamespace()).isEqualTo("default");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getInvolvedObject().getNamespace()).isNull();
        }
    }

    @Test
    void recordingNeverWaitsForTheApiServer() throws Exception {
        try (KubernetesClient client = clientOfFakeApi(); EventRecorder recorder = new EventRecorder(client, "kubelet", "worker-0")) {
            long start = System.nanoTime();
            recorder.event(POD, EventRecorder.NORMAL, "Started", "Started container web");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("returns while the API server still holds the request")
                    .isLessThan(Duration.ofSeconds(2));
            answer.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !posted.isEmpty());
            assertThat(posted.getFirst()).contains("\"reason\":\"Started\"").contains("\"host\":\"worker-0\"");
        }
    }

    @Test
    void aFailedPostOrAClosedRecorderNeverFailsTheCaller() throws Exception {
        status = 500;
        answer.countDown();
        try (KubernetesClient client = clientOfFakeApi()) {
            EventRecorder recorder = new EventRecorder(client, "replicaset-controller");
            assertThatCode(() -> recorder.event(POD, EventRecorder.WARNING, "FailedCreate", "boom")).doesNotThrowAnyException();
            await().atMost(Duration.ofSeconds(10)).until(() -> !posted.isEmpty());
            recorder.close();
            assertThatCode(() -> recorder.event(POD, EventRecorder.WARNING, "FailedCreate", "boom")).doesNotThrowAnyException();
        }
    }
}
