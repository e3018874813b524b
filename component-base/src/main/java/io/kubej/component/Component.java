package io.kubej.component;

/**
 * One Kubernetes component (kube-apiserver, kubelet, ...) behind one small interface.
 *
 * <p>Why: a systemd unit runs one component per process, while tests and benchmarks want to
 * start the same component in-process. Both go through this interface, so there is one way to
 * start, probe and stop each component (the model is k3s's executor).
 */
public interface Component extends AutoCloseable {

    /** The upstream name, e.g. {@code kube-apiserver}; used in logs and metrics. */
    String name();

    /** Starts serving; returns once the component is running (not necessarily ready). */
    void start() throws Exception;

    /**
     * Whether the component can do its job now (what {@code /readyz} reports), e.g. the API
     * server reaches etcd, a controller's caches are synced.
     */
    boolean isReady();

    /** Stops cleanly: finishes or cancels in-flight work, releases ports and child resources. */
    @Override
    void close();
}
