package io.kubej.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubej.kubelet.container.ContainerStatus;
import io.kubej.kubelet.container.PodStatus;
import io.kubej.kubelet.container.SandboxStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** computePodActions as a pure function: desired pod vs. the runtime's state. */
class KubeGenericRuntimeManagerTest {

    static Pod pod(String restartPolicy, String... containers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u1").endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy).endSpec();
        for (String c : containers) {
            b.editSpec().addNewContainer().withName(c).withImage("sshsrv:v1").endContainer().endSpec();
        }
        return b.build();
    }

    static SandboxStatus sandbox(String id, boolean ready, long created) {
        return new SandboxStatus(id, ready, "10.200.0.2", created, 0);
    }

    static ContainerStatus container(String name, ContainerStatus.State state, int exitCode, long created) {
        return new ContainerStatus(name + created, name, state, exitCode, "", "", created, 0, 0, "", 0);
    }

    @Test
    void newPodGetsASandboxAndAllItsContainers() {
        PodActions a = KubeGenericRuntimeManager.computePodActions(pod("Always", "a", "b"), new PodStatus("u1", List.of(), List.of()));
        assertThat(a.killPod()).isFalse();
        assertThat(a.createSandbox()).isTrue();
        assertThat(a.sandboxAttempt()).isZero();
        assertThat(a.containersToStart()).containsExactly("a", "b");
    }

    @Test
    void runningPodNeedsNothing() {
        PodActions a = KubeGenericRuntimeManager.computePodActions(pod("Always", "a"), new PodStatus("u1",
                List.of(sandbox("s1", true, 1)), List.of(container("a", ContainerStatus.State.RUNNING, 0, 2))));
        assertThat(a).isEqualTo(new PodActions(false, false, 0, List.of(), List.of()));
    }

    @Test
    void deadSandboxMeansKillPodAndANewSandboxWithTheNextAttempt() {
        PodActions a = KubeGenericRuntimeManager.computePodActions(pod("Always", "a"), new PodStatus("u1",
                List.of(sandbox("s1", false, 1)), List.of(container("a", ContainerStatus.State.EXITED, 137, 2))));
        assertThat(a.killPod()).isTrue();
        assertThat(a.createSandbox()).isTrue();
        assertThat(a.sandboxAttempt()).isEqualTo(1);
        assertThat(a.containersToStart()).containsExactly("a");
    }

    @Test
    void exitedContainerRestartsPerRestartPolicy() {
        var ready = List.of(sandbox("s1", true, 1));
        var failed = List.of(container("a", ContainerStatus.State.EXITED, 1, 2));
        var succeeded = List.of(container("a", ContainerStatus.State.EXITED, 0, 2));
        assertThat(KubeGenericRuntimeManager.computePodActions(pod("Always", "a"), new PodStatus("u1", ready, succeeded))
                .containersToStart()).containsExactly("a");
        assertThat(KubeGenericRuntimeManager.computePodActions(pod("OnFailure", "a"), new PodStatus("u1", ready, failed))
                .containersToStart()).containsExactly("a");
        assertThat(KubeGenericRuntimeManager.computePodActions(pod("OnFailure", "a"), new PodStatus("u1", ready, succeeded))
                .containersToStart()).isEmpty();
        assertThat(KubeGenericRuntimeManager.computePodActions(pod("Never", "a"), new PodStatus("u1", ready, failed))
                .containersToStart()).isEmpty();
    }

    @Test
    void finishedNeverPodDoesNotGetANewSandbox() {
        PodActions a = KubeGenericRuntimeManager.computePodActions(pod("Never", "a"), new PodStatus("u1",
                List.of(sandbox("s1", false, 1)), List.of(container("a", ContainerStatus.State.EXITED, 0, 2))));
        assertThat(a.createSandbox()).isFalse();
        assertThat(a.containersToStart()).isEmpty();
    }

    @Test
    void newestContainerOfANameDecides() {
        PodStatus state = new PodStatus("u1", List.of(sandbox("s1", true, 1)),
                List.of(container("a", ContainerStatus.State.EXITED, 1, 2), container("a", ContainerStatus.State.RUNNING, 0, 3)));
        assertThat(KubeGenericRuntimeManager.computePodActions(pod("Always", "a"), state).containersToStart()).isEmpty();
    }
}
