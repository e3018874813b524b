package io.kubej.kubelet.images;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.Image;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.events.EventRecorder;
import java.time.Duration;

/**
 * Makes sure a container's image is on the node before it is created (upstream
 * pkg/kubelet/images/image_manager.go EnsureImageExists): ImageStatus, then PullImage when the
 * pull policy asks for it, with the Pulling/Pulled events users see in {@code kubectl describe}.
 */
public final class ImageManager {
    private final RemoteRuntimeService cri;
    private final EventRecorder events;

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
            throw new ImagePullException("ErrImageNeverPull", msg, null);
        }
        events.event(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
        long start = System.nanoTime();
        String ref;
        try {
            ref = cri.pullImage(image, sandboxConfig);
        } catch (RuntimeException e) {
            String msg = "Failed to pull image \"" + image + "\": " + e.getMessage();
            events.event(pod, "Warning", "Failed", msg);
            throw new ImagePullException("ErrImagePull", msg, e);
        }
        events.event(pod, "Normal", "Pulled", "Successfully pulled image \"" + image + "\" in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
        return ref;
    }
}
