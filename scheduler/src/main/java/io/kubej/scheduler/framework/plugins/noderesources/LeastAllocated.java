package io.kubej.scheduler.framework.plugins.noderesources;

import io.kubej.scheduler.framework.NodeInfo;
import io.kubej.scheduler.framework.Resource;
import io.kubej.scheduler.framework.ScorePlugin;

/**
 * The LeastAllocated scoring strategy (upstream: noderesources/least_allocated.go): for cpu and
 * memory (weight 1 each, the default), score = free fraction after placing the pod x 100, then
 * the weighted average. A node where the pod would not fit scores 0 for that resource.
 *
 * <p>Requests here are the "non-zero" ones (defaults for request-less containers), so empty
 * nodes still win over nodes full of request-less pods.
 */
public final class LeastAllocated {
    private static final long CPU_WEIGHT = 1;
    private static final long MEMORY_WEIGHT = 1;

    public long score(Resource podRequest, NodeInfo node) {
        Resource allocatable = node.allocatable();
        Resource requested = node.nonZeroRequested().plus(podRequest);
        long cpu = leastRequestedScore(requested.milliCpu(), allocatable.milliCpu());
        long mem = leastRequestedScore(requested.memory(), allocatable.memory());
        return (cpu * CPU_WEIGHT + mem * MEMORY_WEIGHT) / (CPU_WEIGHT + MEMORY_WEIGHT);
    }

    static long leastRequestedScore(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * ScorePlugin.MAX_NODE_SCORE / capacity;
    }
}
