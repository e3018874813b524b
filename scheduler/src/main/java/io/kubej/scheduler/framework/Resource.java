package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;

/**
 * An amount of the resources the scheduler counts: milli-CPU, memory bytes, and pods
 * (upstream: framework.Resource).
 */
public record Resource(long milliCpu, long memory, long pods) {
    public static final Resource ZERO = new Resource(0, 0, 0);
    /** Upstream's DefaultMilliCPURequest: what a pod without a CPU request counts for scoring. */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** Upstream's DefaultMemoryRequest: 200 MiB. */
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    public Resource plus(Resource o) {
        return new Resource(milliCpu + o.milliCpu, memory + o.memory, pods + o.pods);
    }

    public Resource minus(Resource o) {
        return new Resource(milliCpu - o.milliCpu, memory - o.memory, pods - o.pods);
    }

    /**
     * A pod's request: the sum over its containers, or the largest init container if that is
     * more (init containers run one at a time, before the others), plus the pod overhead.
     */
    public static Resource podRequest(Pod pod) {
        return podRequest(pod, false);
    }

    /**
     * As {@link #podRequest}, but a container without a cpu/memory request counts the defaults
     * (upstream's "non-zero" requests): used for scoring, so that many request-less pods do not
     * all land on one node.
     */
    public static Resource podNonZeroRequest(Pod pod) {
        return podRequest(pod, true);
    }

    private static Resource podRequest(Pod pod, boolean nonZero) {
        long cpu = 0;
        long mem = 0;
        for (Container c : pod.getSpec().getContainers()) {
            cpu += milliCpu(requests(c), nonZero);
            mem += memory(requests(c), nonZero);
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                cpu = Math.max(cpu, milliCpu(requests(c), nonZero));
                mem = Math.max(mem, memory(requests(c), nonZero));
            }
        }
        Map<String, Quantity> overhead = pod.getSpec().getOverhead();
        if (overhead != null) {
            cpu += milliCpu(overhead, false);
            mem += memory(overhead, false);
        }
        return new Resource(cpu, mem, 1);
    }

    /** A node's allocatable (status.allocatable, else capacity). */
    public static Resource allocatable(io.fabric8.kubernetes.api.model.Node node) {
        Map<String, Quantity> a = node.getStatus() == null ? null : node.getStatus().getAllocatable();
        if (a == null || a.isEmpty()) {
            a = node.getStatus() == null ? null : node.getStatus().getCapacity();
        }
        if (a == null) {
            return ZERO;
        }
        long pods = a.containsKey("pods") ? Quantity.getAmountInBytes(a.get("pods")).longValue() : 0;
        return new Resource(milliCpu(a, false), memory(a, false), pods);
    }

    private static Map<String, Quantity> requests(Container c) {
        return c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
    }

    private static long milliCpu(Map<String, Quantity> m, boolean nonZero) {
        Quantity q = m.get("cpu");
        if (q == null) {
            return nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0;
        }
        // Quantity "amount in bytes" is the plain number: cores for cpu
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING).longValue();
    }

    private static long memory(Map<String, Quantity> m, boolean nonZero) {
        Quantity q = m.get("memory");
        if (q == null) {
            return nonZero ? DEFAULT_MEMORY_REQUEST : 0;
        }
        return Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING).longValue();
    }
}
