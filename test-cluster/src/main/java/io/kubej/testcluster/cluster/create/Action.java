package io.kubej.testcluster.cluster.create;

/**
 * One named step of bringing a cluster up (pki, etcd, registry, ...), kind's "action": each does
 * one thing, waits until that thing is ready, and is safe to run again.
 */
public interface Action {

    /** What the step does, as printed to the user, e.g. "Starting etcd". */
    String description();

    void execute(ActionContext ctx) throws Exception;
}
