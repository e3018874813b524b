package io.kubej.kubelet.pleg;

import io.kubej.kubelet.container.RunningPod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod lifecycle event generator (upstream pkg/kubelet/pleg/generic.go): every relist period
 * it lists the runtime once (one ListPodSandbox, one ListContainers), compares each pod's
 * sandboxes and containers with the previous relist, and for the pods that changed only marks
 * their cached status stale and hands them to the pod workers. Pods nothing happened to cost
 * nothing.
 */
public final class GenericPleg {
    private static final Logger log = LoggerFactory.getLogger(GenericPleg.class);

    /** The runtime's pods from one list (KubeGenericRuntimeManager::getPods). */
    private final Supplier<List<RunningPod>> runtimePods;
    private final PodCache cache;
    private final Consumer<RunningPod> onChange;
    private Map<String, RunningPod> previous = new HashMap<>();
    private volatile List<RunningPod> lastSeen;

    public GenericPleg(Supplier<List<RunningPod>> runtimePods, PodCache cache, Consumer<RunningPod> onChange) {
        this.runtimePods = runtimePods;
        this.cache = cache;
        this.onChange = onChange;
    }

    /** One relist; called by one thread at a time (the kubelet's loop). */
    public synchronized void relist() {
        List<RunningPod> now;
        try {
            now = runtimePods.get();
        } catch (RuntimeException e) {
            log.warn("PLEG relist failed: {}", e.toString());
            return;
        }
        Map<String, RunningPod> current = new HashMap<>();
        for (RunningPod p : now) {
            current.put(p.uid(), p);
            if (!Objects.equals(previous.get(p.uid()), p)) {
                cache.markStale(p.uid());
                onChange.accept(p);
            }
        }
        for (RunningPod gone : previous.values()) {
            if (!current.containsKey(gone.uid())) {
                cache.markStale(gone.uid());
                onChange.accept(gone);
            }
        }
        previous = current;
        lastSeen = now;
    }

    /** The pods of the last relist (null before the first): what housekeeping compares with the API's pods. */
    public List<RunningPod> runningPods() {
        return lastSeen;
    }
}
