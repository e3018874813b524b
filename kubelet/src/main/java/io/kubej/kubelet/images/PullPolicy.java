package io.kubej.kubelet.images;

import io.fabric8.kubernetes.api.model.Container;

/**
 * imagePullPolicy as upstream defaults it (core/v1 SetDefaults_Container): {@code Always} when
 * the image has no tag or the tag {@code latest}, else {@code IfNotPresent}; a digest counts as
 * pinned. The API server writes this default on create, so the kubelet needs it only for a pod
 * that reached it without one (a static pod, a test); the rule is the same one
 * (apiserver {@code PodStrategy.applyContainerDefaults}).
 */
public final class PullPolicy {
    public static final String ALWAYS = "Always";
    public static final String IF_NOT_PRESENT = "IfNotPresent";
    public static final String NEVER = "Never";

    private PullPolicy() {
    }

    /** The container's policy, or the default for its image when it has none. */
    public static String of(Container container) {
        String policy = container.getImagePullPolicy();
        return policy != null && !policy.isEmpty() ? policy : defaultFor(container.getImage());
    }

    public static String defaultFor(String image) {
        if (image.contains("@")) {
            return IF_NOT_PRESENT;
        }
        // the tag is after the last ':' of the last path part (a registry host may carry a port)
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastPart.lastIndexOf(':');
        return colon < 0 || lastPart.substring(colon + 1).equals("latest") ? ALWAYS : IF_NOT_PRESENT;
    }
}
