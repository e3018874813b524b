package io.kubej.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.Store;
import io.kubej.kubelet.container.RunningPod;
import io.kubej.kubelet.kuberuntime.KubeGenericRuntimeManager;
import io.kubej.kubelet.pleg.GenericPleg;
import io.kubej.kubelet.pleg.PodCache;
import io.kubej.kubelet.volumemanager.VolumeManager;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's housekeeping (upstream kubelet_pods.go HandlePodCleanups; here after each PLEG relist): what the
 * runtime still runs for a pod the API no longer has (deleted while the kubelet was down, or
 * replaced by a pod of the same name) is killed and removed, and every manager forgets it; the
 * directories (volumes) of pods that are gone and run nothing any more are removed.
 */
public final class Housekeeping {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final Store<Pod> pods;
    private final GenericPleg pleg;
    private final KubeGenericRuntimeManager runtime;
    private final PodCache cache;
    private final List<Consumer<String>> forgetters;
    private final VolumeManager volumes;

    /** {@code forgetters}: what else keeps per-pod state (volumes, tokens), told the uid of a pod gone for good. */
    public Housekeeping(Store<Pod> pods, GenericPleg pleg, KubeGenericRuntimeManager runtime, PodCache cache,
            VolumeManager volumes, List<Consumer<String>> forgetters) {
        this.volumes = volumes;
        this.pods = pods;
        this.pleg = pleg;
        this.runtime = runtime;
        this.cache = cache;
        this.forgetters = forgetters;
    }

    /** One pass; call only once the pod informer has synced (else every pod looks orphaned). */
    public void cleanupOrphanedPods() {
        List<RunningPod> running = pleg.runningPods();
        if (running == null) {
            return;
        }
        Set<String> known = pods.list().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        for (RunningPod p : running) {
            if (known.contains(p.uid())) {
                continue;
            }
            try {
                log.info("pod {} (uid {}): not in the API any more, removing its sandbox and containers", p.key(), p.uid());
                runtime.killPod(runtime.getPodStatus(p.uid()), 0);
                runtime.forgetPod(p.uid());
                cache.delete(p.uid());
                forgetters.forEach(f -> f.accept(p.uid()));
            } catch (RuntimeException e) {
                log.warn("pod {}: cleanup failed: {} (next housekeeping retries)", p.key(), e.toString());
            }
        }
        Set<String> runningUids = running.stream().map(RunningPod::uid).collect(Collectors.toSet());
        for (String uid : volumes.podsOnDisk()) {
            if (!known.contains(uid) && !runningUids.contains(uid)) {
                try {
                    volumes.cleanupPod(uid);
                    log.info("pod uid {}: removed its directory", uid);
                } catch (RuntimeException e) {
                    log.warn("pod uid {}: removing its directory failed: {}", uid, e.toString());
                }
            }
        }
    }
}
