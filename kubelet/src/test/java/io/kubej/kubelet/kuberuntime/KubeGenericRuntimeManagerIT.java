package io.kubej.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.status.PodStatusGenerator;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.node.Containerd;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's runtime manager against the real containerd, CNI bridge and local registry:
 * what syncPod and killPod do to actual sandboxes and containers.
 */
class KubeGenericRuntimeManagerIT {
    @TempDir
    static Path dir;
    static Registry registry;
    static Containerd containerd;
    static RemoteRuntimeService cri;
    static KubeGenericRuntimeManager manager;

    @BeforeAll
    static void startNode() throws Exception {
        registry = Registry.start(dir.resolve("registry"), Ports.free());
        Images.inDefaultCache().pushAll(registry);
        containerd = Containerd.start(Containerd.Spec.unique(dir.resolve("containerd"), registry.port()));
        cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(30)).until(cri::isReady);
        manager = new KubeGenericRuntimeManager(cri, new KubeGenericRuntimeManager.NodeSettings(
                List.of("10.32.0.10"), "cluster.local", Path.of("/etc/resolv.conf"), dir.resolve("pods").toString()),
                (pod, type, reason, message) -> { });
    }

    @AfterAll
    static void stopNode() {
        try {
            if (cri != null) {
                manager.getPods().forEach(p -> manager.killPod(manager.getPodStatus(p.uid()), 0));
                cri.close();
            }
        } finally {
            if (containerd != null) {
                containerd.stop(true);
            }
            if (registry != null) {
                registry.close();
            }
        }
    }

    static Pod sshsrvPod(String restartPolicy) {
        return new PodBuilder().withNewMetadata().withName("sshsrv-" + UUID.randomUUID().toString().substring(0, 5))
                .withNamespace("default").withUid(UUID.randomUUID().toString()).endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(2L)
                .addNewContainer().withName("sshsrv").withImage("sshsrv:v1")
                .addNewPort().withContainerPort(22).endPort().endContainer()
                .endSpec().build();
    }

    @Test
    void runtimeAnswersVersionAndIsReady() {
        assertThat(cri.version().getRuntimeApiVersion()).isEqualTo("v1");
        assertThat(cri.version().getRuntimeName()).isEqualTo("containerd");
        assertThat(cri.isReady()).isTrue();
    }

    @Test
    void podSandboxGetsAnIpFromThePodCidr() {
        Pod pod = sshsrvPod("Always");
        PodSandboxConfig config = manager.sandboxConfigs().sandboxConfig(pod, 0);
        String id = cri.runPodSandbox(config);
        try {
            String ip = cri.podSandboxStatus(id).getNetwork().getIp();
            String prefix = containerd.spec().podCidr().substring(0, containerd.spec().podCidr().lastIndexOf('.') + 1);
            assertThat(ip).startsWith(prefix);
        } finally {
            cri.stopPodSandbox(id);
            cri.removePodSandbox(id);
            io.kubej.kubelet.cm.PodContainerManager.destroy(pod.getMetadata().getUid());
        }
        assertThat(cri.listPodSandbox(Map.of(Labels.POD_UID, pod.getMetadata().getUid()))).isEmpty();
    }

    @Test
    void imagesArePulledThroughTheLocalRegistryMirror() {
        Pod pod = sshsrvPod("Always");
        String ref = cri.pullImage("docker.io/library/sshsrv:v1", manager.sandboxConfigs().sandboxConfig(pod, 0));
        assertThat(ref).startsWith("sha256:");
        assertThat(cri.imageStatus("sshsrv:v1")).isNotNull();
    }

    @Test
    void syncPodRunsTheContainersAndTheirPortAnswersOnThePodIp() throws Exception {
        Pod pod = sshsrvPod("Always");
        manager.syncPod(pod);
        io.kubej.kubelet.container.PodStatus state = manager.getPodStatus(pod.getMetadata().getUid());
        assertThat(state.readySandbox()).isPresent();
        assertThat(state.latest("sshsrv")).hasValueSatisfying(c -> assertThat(c.running()).isTrue());
        String ip = state.readySandbox().get().ip();
        await().atMost(Duration.ofSeconds(20)).until(() -> sshBanner(ip).startsWith("SSH-2.0-dropbear"));

        var status = PodStatusGenerator.generate(pod, state, "127.0.0.1", manager::waitingReason);
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getPodIP()).isEqualTo(ip);
        assertThat(status.getContainerStatuses().get(0).getContainerID()).startsWith("containerd://");
        assertThat(status.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        assertThat(Files.exists(Path.of(dir.resolve("pods").toString(),
                "default_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getUid(), "sshsrv", "0.log"))).isTrue();

        // a second sync with nothing changed does nothing
        manager.syncPod(pod);
        assertThat(manager.getPodStatus(pod.getMetadata().getUid()).containers()).hasSize(1);

        manager.killPod(manager.getPodStatus(pod.getMetadata().getUid()), 2);
        io.kubej.kubelet.container.PodStatus after = manager.getPodStatus(pod.getMetadata().getUid());
        assertThat(after.sandboxes()).isEmpty();
        assertThat(after.containers()).isEmpty();
    }

    @Test
    void exitedContainerIsRestartedWithAHigherRestartCount() throws Exception {
        Pod pod = new PodBuilder(sshsrvPod("Always")).editSpec().editFirstContainer()
                .withCommand("/bin/sh", "-c", "exit 3").endContainer().endSpec().build();
        manager.syncPod(pod);
        String uid = pod.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                manager.getPodStatus(uid).latest("sshsrv").map(c -> c.exited()).orElse(false));
        var exited = PodStatusGenerator.generate(pod, manager.getPodStatus(uid), "127.0.0.1", manager::waitingReason);
        assertThat(exited.getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(3);

        manager.syncPod(pod);
        assertThat(manager.getPodStatus(uid).restartCount("sshsrv")).isEqualTo(1);
        // The restarted container exits at once; containerd may still call it running for a
        // moment after StopContainer. The pod worker retries a failed kill, and so does this.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            manager.killPod(manager.getPodStatus(uid), 0);
            assertThat(manager.getPodStatus(uid).containers()).isEmpty();
        });
    }

    @Test
    void crashLoopBackOffSurvivesASandboxRecreation() throws Exception {
        Pod pod = sshsrvPod("Always");
        String uid = pod.getMetadata().getUid();
        manager.syncPod(pod);
        try {
            // the sandbox dies (StopPodSandbox takes its container with it): the next sync kills
            // the pod's remains and recreates the sandbox; the first restart is immediate
            cri.stopPodSandbox(manager.getPodStatus(uid).readySandbox().orElseThrow().id());
            assertThat(manager.syncPod(pod)).isNull();
            assertThat(manager.getPodStatus(uid).latest("sshsrv"))
                    .hasValueSatisfying(c -> assertThat(c.running()).isTrue());

            // it dies again: the recreation must not have reset the back-off, so the container waits
            cri.stopPodSandbox(manager.getPodStatus(uid).readySandbox().orElseThrow().id());
            Duration retry = manager.syncPod(pod);
            assertThat(retry).isNotNull().isPositive();
            assertThat(manager.inBackoff(uid, "sshsrv")).isTrue();
            assertThat(manager.waitingReason(uid, "sshsrv")).startsWith("CrashLoopBackOff");
            assertThat(manager.getPodStatus(uid).containers()).isEmpty();
            // nor does a sync before the back-off ends (any pod event) start it, though no dead
            // instance is left to show that it crashed
            assertThat(manager.syncPod(pod)).isNotNull();
            assertThat(manager.getPodStatus(uid).containers()).isEmpty();
        } finally {
            manager.killPod(manager.getPodStatus(uid), 0);
            manager.forgetPod(uid);
        }
        // a pod gone for good forgets its back-off
        assertThat(manager.inBackoff(uid, "sshsrv")).isFalse();
    }

    @Test
    void imageMissingFromTheRegistryIsErrImagePullThenImagePullBackOff() throws Exception {
        Pod pod = new PodBuilder(sshsrvPod("Always")).editSpec().editFirstContainer()
                .withImage("no-such-image:v9").endContainer().endSpec().build();
        Duration retry = manager.syncPod(pod);
        assertThat(retry).isNotNull();
        var status = PodStatusGenerator.generate(pod, manager.getPodStatus(pod.getMetadata().getUid()), "127.0.0.1",
                manager::waitingReason);
        assertThat(status.getPhase()).isEqualTo("Pending");
        assertThat(status.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("ErrImagePull");

        // the next sync comes within the pull back-off (10 s): no pull, ImagePullBackOff
        Duration again = manager.syncPod(pod);
        assertThat(again).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
        var backingOff = PodStatusGenerator.generate(pod, manager.getPodStatus(pod.getMetadata().getUid()), "127.0.0.1",
                manager::waitingReason);
        assertThat(backingOff.getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("ImagePullBackOff");
        assertThat(backingOff.getContainerStatuses().get(0).getState().getWaiting().getMessage())
                .isEqualTo("Back-off pulling image \"no-such-image:v9\"");
        manager.killPod(manager.getPodStatus(pod.getMetadata().getUid()), 0);
        manager.forgetPod(pod.getMetadata().getUid());
    }

    @Test
    void sshsrvAndPauseExitPromptlyOnSigterm() throws Exception {
        Pod pod = sshsrvPod("Always");
        manager.syncPod(pod);
        String uid = pod.getMetadata().getUid();
        io.kubej.kubelet.container.PodStatus state = manager.getPodStatus(uid);
        long start = System.nanoTime();
        // a 30 s grace period, as kubectl delete gives by default: SIGTERM must end it long before
        manager.killPod(state, 30);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    static String sshBanner(String ip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, 22), 1000);
            s.setSoTimeout(2000);
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            return n > 0 ? new String(buf, 0, n) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
