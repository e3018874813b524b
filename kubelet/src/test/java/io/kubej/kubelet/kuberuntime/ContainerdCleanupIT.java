package io.kubej.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.node.Containerd;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node runtime's safety net: a pod left running when containerd is stopped (a kubelet that
 * crashed, {@code kubej down}) leaves no network namespace, IP lease, NAT rule or bridge behind.
 */
class ContainerdCleanupIT {
    @TempDir
    Path dir;

    @Test
    void leftoverPodsLeaveNothingOnTheHostWhenContainerdStops() throws Exception {
        try (Registry registry = Registry.start(dir.resolve("registry"), Ports.free())) {
            Images.inDefaultCache().push(Images.PAUSE, registry);
            Images.inDefaultCache().push(Images.SSHSRV, registry);
            Containerd containerd = Containerd.start(Containerd.Spec.unique(dir.resolve("containerd"), registry.port()));
            Containerd.Spec spec = containerd.spec();
            String uid;
            try (RemoteRuntimeService cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofMinutes(1))) {
                await().atMost(Duration.ofSeconds(30)).until(cri::isReady);
                KubeGenericRuntimeManager manager = new KubeGenericRuntimeManager(cri, new KubeGenericRuntimeManager.NodeSettings(
                        List.of(), "cluster.local", Path.of("/etc/resolv.conf"), dir.resolve("pods").toString()), (p, t, r, m) -> { });
                var pod = KubeGenericRuntimeManagerIT.sshsrvPod("Always");
                uid = pod.getMetadata().getUid();
                manager.syncPod(pod);
                assertThat(manager.getPodStatus(uid).readySandbox()).isPresent();
            } catch (Exception e) {
                containerd.stop(true);
                throw e;
            }
            assertThat(Path.of("/var/lib/cni/networks", spec.networkName())).exists();

            containerd.stop(true);

            assertThat(Path.of("/var/lib/cni/networks", spec.networkName())).doesNotExist();
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(spec.dir().toString());
            assertThat(run("iptables", "-t", "nat", "-S", "POSTROUTING")).doesNotContain("\\\"" + spec.networkName() + "\\\"");
            assertThat(run("ip", "link", "show")).doesNotContain(spec.bridgeName());
            io.kubej.kubelet.cm.PodContainerManager.destroy(uid);
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
