package io.kubej.kubelet.images;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.Image;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.events.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure a container's image is on the node before it is created (upstream
 * pkg/kubelet/images/image_manager.go EnsureImageExists): ImageStatus, then PullImage when the
 * pull policy asks for it, with the Pulling/Pulled events users see in {@code kubectl describe}.
 *
 * <p>A failed pull (ErrImagePull) is not retried at once: per pod and image it backs off 10 s,
 * doubling to 5 min, as upstream's puller does; a sync during the back-off reports
 * ImagePullBackOff without calling the registry.
 */
public final class ImageManager {
    static final Duration BACKOFF_INITIAL = Duration.ofSeconds(10);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

    private final RemoteRuntimeService cri;
    private final EventRecorder events;
    private final Clock clock = Clock.systemUTC();
    /** Per {@code <pod uid>/<image>}: the current back-off step and when it ends. */
    private final Map<String, Duration> backOffStep = new ConcurrentHashMap<>();
    private final Map<String, Instant> backOffUntil = new ConcurrentHashMap<>();

    public ImageManager(RemoteRuntimeService cri, EventRecorder events) {
        this.cri = cri;
        this.events = events;
    }

    /** Returns the image reference CreateContainer should use; throws {@link ImagePullException}. */
    public String ensureImageExists(Pod pod, Container container, PodSandboxConfig sandboxConfig) {
        String image = container.getImage();
        String policy = PullPolicy.of(container);
        Image present = cri.imageStatus(image);
        if (present != null && !PullPolicy.ALWAYS.equals(policy)) {
            return present.getId();
        }
        if (PullPolicy.NEVER.equals(policy)) {
            String msg = "Container image \"" + image + "\" is not present with pull policy of Never";
            events.event(pod, "Warning", "ErrImageNeverPull", msg);
            throw new ImagePullException("ErrImageNeverPull", msg, BACKOFF_INITIAL, null);
        }
        String key = pod.getMetadata().getUid() + "/" + image;
        Instant until = backOffUntil.get(key);
        Instant now = clock.instant();
        if (until != null && now.isBefore(until)) {
            String msg = "Back-off pulling image \"" + image + "\"";
            events.event(pod, "Normal", "BackOff", msg);
            throw new ImagePullException("ImagePullBackOff", msg, Duration.between(now, until), null);
        }
        events.event(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
        long start = System.nanoTime();
        String ref;
        try {
            ref = cri.pullImage(image, sandboxConfig);
        } catch (RuntimeException e) {
            String msg = "Failed to pull image \"" + image + "\": " + e.getMessage();
            events.event(pod, "Warning", "Failed", msg);
            Duration step = backOffStep.containsKey(key) ? backOffStep.get(key).multipliedBy(2) : BACKOFF_INITIAL;
            step = step.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : step;
            backOffStep.put(key, step);
            backOffUntil.put(key, clock.instant().plus(step));
            throw new ImagePullException("ErrImagePull", msg, step, e);
        }
        backOffStep.remove(key);
        backOffUntil.remove(key);
        events.event(pod, "Normal", "Pulled", "Successfully pulled image \"" + image + "\" in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
        return ref;
    }

    /** A pod gone for good: its pull back-offs are dropped. */
    public void forgetPod(String uid) {
        backOffStep.keySet().removeIf(k -> k.startsWith(uid + "/"));
        backOffUntil.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }
}
