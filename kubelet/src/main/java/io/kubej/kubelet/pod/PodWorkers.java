package io.kubej.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;
import io.kubej.client.workqueue.ItemExponentialFailureRateLimiter;
import io.kubej.client.workqueue.WorkQueue;
import io.kubej.kubelet.container.PodStatus;
import io.kubej.kubelet.events.EventRecorder;
import io.kubej.kubelet.lifecycle.UnsupportedPodFeatures;
import io.kubej.kubelet.volume.VolumeSetUpException;
import io.kubej.kubelet.volumemanager.VolumeManager;
import io.kubej.kubelet.kuberuntime.KubeGenericRuntimeManager;
import io.kubej.kubelet.pleg.PodCache;
import io.kubej.kubelet.status.PodStatusGenerator;
import io.kubej.kubelet.status.StatusManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's pod workers (upstream pkg/kubelet/pod_workers.go + kubelet.go syncPod): keys
 * {@code namespace/name} from the pod informer, the PLEG (a pod's containers changed) and the
 * periodic resync; each key is synced by one worker at a time.
 *
 * <p>A sync reads the desired pod from the informer cache and the runtime's status from the
 * {@link PodCache} (inspected again only when the PLEG saw the pod change or the sync itself
 * changed it), and then either refuses the pod ({@link UnsupportedPodFeatures}), or has its
 * volumes set up ({@link VolumeManager}), runs it ({@code KubeGenericRuntimeManager.syncPod}) and
 * reports its status ({@link StatusManager}), or terminates it (deletionTimestamp set: stop with
 * the grace period, remove the sandbox, then delete the API object with grace 0). The workers
 * ask the managers; they do not do their work. Pods the API no longer knows are housekeeping's.
 */
public final class PodWorkers {
    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

    private final KubernetesClient client;
    private final Store<Pod> pods;
    private final KubeGenericRuntimeManager runtime;
    private final StatusManager statusManager;
    private final Supplier<String> hostIP;
    private final PodCache cache;
    private final VolumeManager volumes;
    private final EventRecorder events;
    /** Told the uid of a pod that is gone for good (its tokens, its directory). */
    private final Consumer<String> podGone;
    // A failed sync is retried quickly at first, and at most every 10 s (upstream's pod workers
    // retry a failed sync after a short back-off plus jitter, not with a controller's long one).
    private final WorkQueue queue = new WorkQueue("pod-workers",
            new ItemExponentialFailureRateLimiter(Duration.ofMillis(200), Duration.ofSeconds(10)));
    private final List<Thread> workers = new ArrayList<>();
    /** How soon a pod whose volumes could not be set up is tried again. */
    static final Duration VOLUME_RETRY = Duration.ofSeconds(2);

    public PodWorkers(KubernetesClient client, Store<Pod> pods, KubeGenericRuntimeManager runtime,
            StatusManager statusManager, PodCache cache, VolumeManager volumes, EventRecorder events,
            Consumer<String> podGone, Supplier<String> hostIP) {
        this.client = client;
        this.pods = pods;
        this.runtime = runtime;
        this.statusManager = statusManager;
        this.cache = cache;
        this.volumes = volumes;
        this.events = events;
        this.podGone = podGone;
        this.hostIP = hostIP;
    }

    /** Event handlers and the relist call this: they only enqueue. */
    public void enqueue(Pod pod) {
        queue.add(Cache.metaNamespaceKeyFunc(pod));
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    public void start(int workerCount) {
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofVirtual().name("pod-worker-" + i).start(this::runWorker));
        }
    }

    /** The periodic resync (upstream syncFrequency): every pod bound here is synced again; no CRI call for idle pods. */
    public void resyncAll() {
        pods.list().forEach(this::enqueue);
    }

    private void runWorker() {
        while (true) {
            String key;
            try {
                key = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Duration again = sync(key);
                queue.forget(key);
                if (again != null) {
                    queue.addAfter(key, again);
                }
            } catch (KubernetesClientException e) {
                log.info("pod {}: {} (will retry)", key, e.getCode() == 409 ? "status conflict" : e.getMessage());
                queue.addRateLimited(key);
            } catch (Exception e) {
                // e.g. the runtime refusing to remove a container that exited a moment ago:
                // every step of a sync is idempotent, so the retry (with per-pod backoff) converges
                log.warn("pod {}: sync failed: {} (will retry)", key, e.toString());
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
            }
        }
    }

    /** One sync of one key; returns when to sync it again (null: on the next event or resync). */
    Duration sync(String key) throws Exception {
        Pod pod = pods.getByKey(key);
        if (pod == null) {
            return null;
        }
        String uid = pod.getMetadata().getUid();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod);
            return null;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            // a finished pod never runs again: make sure nothing of it still runs
            runtime.stopPod(runtimeStatus(uid), 0);
            return null;
        }
        Optional<String> unsupported = UnsupportedPodFeatures.firstUnsupported(pod);
        if (unsupported.isPresent()) {
            reject(pod, UnsupportedPodFeatures.REASON, UnsupportedPodFeatures.message(unsupported.get()));
            return null;
        }
        try {
            volumes.mountVolumes(pod);
        } catch (VolumeSetUpException e) {
            // the containers wait (ContainerCreating) until their volumes can be set up
            events.event(pod, "Warning", "FailedMount", e.getMessage());
            statusManager.setPodStatus(pod, PodStatusGenerator.generate(pod, runtimeStatus(uid), hostIP.get(), runtime::waitingReason));
            return VOLUME_RETRY;
        }
        KubeGenericRuntimeManager.SyncResult result = runtime.syncPod(pod, runtimeStatus(uid));
        PodStatus after = result.changed() ? inspect(uid) : runtimeStatus(uid);
        statusManager.setPodStatus(pod, PodStatusGenerator.generate(pod, after, hostIP.get(), runtime::waitingReason));
        return result.retryIn();
    }

    /**
     * A pod this kubelet will not run (upstream's admit handlers and rejectPod): an event and
     * the status phase Failed with the reason and message; nothing of it is started.
     */
    private void reject(Pod pod, String reason, String message) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            return;
        }
        log.info("pod {}/{}: rejected: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), message);
        events.event(pod, "Warning", reason, message);
        statusManager.setPodStatus(pod, PodStatusGenerator.rejected(pod, hostIP.get(), reason, "Pod was rejected: " + message));
    }

    /** The runtime status of the pod: cached, or inspected now if the cache has none that is current. */
    private PodStatus runtimeStatus(String uid) {
        PodStatus cached = cache.get(uid);
        return cached != null ? cached : inspect(uid);
    }

    private PodStatus inspect(String uid) {
        long at = System.nanoTime();
        PodStatus status = runtime.getPodStatus(uid);
        cache.set(status, at);
        return status;
    }

    /**
     * Graceful deletion: the API server set deletionTimestamp; the kubelet stops the containers
     * (SIGTERM, SIGKILL after the grace period), removes the sandbox, and then deletes the pod
     * object for good (grace 0), which is what makes it disappear from {@code kubectl get pods}.
     */
    private void terminate(Pod pod) {
        String uid = pod.getMetadata().getUid();
        long grace = KubeGenericRuntimeManager.gracePeriod(pod);
        runtime.killPod(inspect(uid), grace);
        runtime.forgetPod(uid);
        cache.delete(uid);
        podGone.accept(uid);
        log.info("pod {}/{}: terminated, deleting it from the API", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withGracePeriod(0).delete();
    }

    public void stop() {
        queue.close();
        workers.forEach(Thread::interrupt);
    }
}
