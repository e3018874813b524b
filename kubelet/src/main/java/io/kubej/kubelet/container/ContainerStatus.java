package io.kubej.kubelet.container;

/**
 * One container instance as the kubelet sees it (upstream {@code kubecontainer.Status}); times
 * are Unix nanoseconds (0: not yet), restartCount is what the kubelet recorded when creating it.
 */
public record ContainerStatus(String id, String name, State state, int exitCode, String reason, String message,
        long createdAt, long startedAt, long finishedAt, String imageRef, int restartCount) {

    /** upstream {@code kubecontainer.State}. */
    public enum State {
        CREATED, RUNNING, EXITED, UNKNOWN
    }

    public boolean running() {
        return state == State.RUNNING;
    }

    public boolean exited() {
        return state == State.EXITED;
    }
}
