package io.kubej.kubelet.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubej.kubelet.container.ContainerStatus;
import io.kubej.kubelet.container.SandboxStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Derives a pod's API status from the runtime-neutral {@link io.kubej.kubelet.container.PodStatus}
 * (upstream kubelet_pods.go generateAPIPodStatus + status/generate.go): phase, pod IP, conditions
 * and one containerStatus per spec container.
 *
 * <p>Pure function of (pod, runtime status): the status manager decides whether it changed.
 */
public final class PodStatusGenerator {
    private PodStatusGenerator() {
    }

    /** Why a container waits: {reason, message} for (podUid, containerName), or null. */
    @FunctionalInterface
    public interface WaitingReasons {
        String[] of(String podUid, String containerName);
    }

    public static PodStatus generate(Pod pod, io.kubej.kubelet.container.PodStatus state, String hostIP, WaitingReasons waiting) {
        PodStatus old = Objects.requireNonNullElseGet(pod.getStatus(), PodStatus::new);
        String now = Instant.now().toString();
        String uid = pod.getMetadata().getUid();
        Optional<String> podIP = state.readySandbox().map(SandboxStatus::ip).filter(ip -> !ip.isEmpty());

        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
        int running = 0;
        int succeeded = 0;
        int failed = 0;
        for (Container c : pod.getSpec().getContainers()) {
            ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withImageID("").withReady(false).withStarted(false).withRestartCount(0);
            Optional<ContainerStatus> latest = state.latest(c.getName());
            String[] why = waiting.of(uid, c.getName());
            if (latest.isEmpty()) {
                b.withState(new ContainerStateBuilder().withNewWaiting()
                        .withReason(why != null ? why[0] : "ContainerCreating").withMessage(why != null ? why[1] : null)
                        .endWaiting().build());
                statuses.add(b.build());
                continue;
            }
            ContainerStatus s = latest.get();
            b.withContainerID("containerd://" + s.id()).withImageID(s.imageRef())
                    .withRestartCount(state.restartCount(c.getName()));
            if (s.running()) {
                running++;
                b.withReady(true).withStarted(true).withState(new ContainerStateBuilder().withNewRunning()
                        .withStartedAt(time(s.startedAt())).endRunning().build());
            } else if (s.exited()) {
                if (s.exitCode() == 0) {
                    succeeded++;
                } else {
                    failed++;
                }
                var terminated = new ContainerStateBuilder().withNewTerminated().withExitCode(s.exitCode())
                        .withReason(s.reason().isEmpty() ? (s.exitCode() == 0 ? "Completed" : "Error") : s.reason())
                        .withMessage(s.message().isEmpty() ? null : s.message())
                        .withStartedAt(time(s.startedAt())).withFinishedAt(time(s.finishedAt()))
                        .withContainerID("containerd://" + s.id()).endTerminated().build();
                if (why != null) {
                    b.withState(new ContainerStateBuilder().withNewWaiting().withReason(why[0])
                            .withMessage(why[1]).endWaiting().build())
                            .withLastState(terminated);
                } else {
                    b.withState(terminated);
                }
            } else {
                b.withState(new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating").endWaiting().build());
            }
            statuses.add(b.build());
        }

        int total = pod.getSpec().getContainers().size();
        String restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
        String phase;
        if (succeeded + failed == total && !"Always".equals(restartPolicy)
                && (failed == 0 || "Never".equals(restartPolicy))) {
            phase = failed == 0 ? "Succeeded" : "Failed";
        } else if (running + succeeded + failed > 0 && state.readySandbox().isPresent()) {
            phase = "Running";
        } else {
            phase = "Pending";
        }
        boolean allReady = running == total && state.readySandbox().isPresent();

        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(old, "PodReadyToStartContainers", state.readySandbox().isPresent(), now, null));
        conditions.add(condition(old, "Initialized", true, now, null));
        conditions.add(condition(old, "Ready", allReady, now, allReady ? null : "ContainersNotReady"));
        conditions.add(condition(old, "ContainersReady", allReady, now, allReady ? null : "ContainersNotReady"));
        conditions.add(condition(old, "PodScheduled", true, now, null));

        PodStatusBuilder sb = new PodStatusBuilder().withPhase(phase).withHostIP(hostIP)
                .withStartTime(old.getStartTime() != null ? old.getStartTime() : now)
                .withConditions(conditions).withContainerStatuses(statuses).withQosClass(old.getQosClass());
        if (hostIP != null) {
            sb.withHostIPs(new io.fabric8.kubernetes.api.model.HostIP(hostIP));
        }
        podIP.ifPresent(ip -> sb.withPodIP(ip).withPodIPs(new PodIP(ip)));
        if (podIP.isEmpty() && !"Pending".equals(phase)) {
            // a finished pod keeps the IP it had
            sb.withPodIP(old.getPodIP()).withPodIPs(old.getPodIPs());
        }
        return sb.build();
    }

    /** The status of a pod the kubelet refused to run: phase Failed with the reason and message (upstream rejectPod). */
    public static PodStatus rejected(Pod pod, String hostIP, String reason, String message) {
        PodStatus old = Objects.requireNonNullElseGet(pod.getStatus(), PodStatus::new);
        PodStatusBuilder b = new PodStatusBuilder().withPhase("Failed").withReason(reason).withMessage(message)
                .withHostIP(hostIP).withStartTime(old.getStartTime() != null ? old.getStartTime() : Instant.now().toString())
                .withConditions(old.getConditions()).withQosClass(old.getQosClass());
        if (hostIP != null) {
            b.withHostIPs(new io.fabric8.kubernetes.api.model.HostIP(hostIP));
        }
        return b.build();
    }

    /** Keeps lastTransitionTime when the condition's status did not change. */
    private static PodCondition condition(PodStatus old, String type, boolean status, String now, String reason) {
        String value = status ? "True" : "False";
        String since = now;
        if (old.getConditions() != null) {
            for (PodCondition c : old.getConditions()) {
                if (type.equals(c.getType()) && value.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(value).withLastTransitionTime(since)
                .withReason(reason).build();
    }

    private static String time(long nanos) {
        if (nanos <= 0) {
            return null;
        }
        return Instant.ofEpochSecond(nanos / 1_000_000_000L).toString();
    }
}
