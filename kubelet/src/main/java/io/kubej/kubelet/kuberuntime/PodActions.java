package io.kubej.kubelet.kuberuntime;

import java.util.List;

/**
 * What a sync must do to bring one pod's runtime state to its spec (upstream
 * kuberuntime_manager.go podActions): kill the pod (new sandbox needed), create a sandbox,
 * start these containers, kill those.
 *
 * @param killPod          stop everything of the pod first (the sandbox is gone or stale)
 * @param createSandbox    run a new sandbox, with this attempt number
 * @param sandboxAttempt   the new sandbox's attempt (how many sandboxes the pod had before)
 * @param containersToStart names of spec containers to create and start, in spec order
 * @param containersToKill  runtime IDs of containers that must stop (not in the spec any more)
 */
public record PodActions(boolean killPod, boolean createSandbox, int sandboxAttempt,
        List<String> containersToStart, List<String> containersToKill) {
}
