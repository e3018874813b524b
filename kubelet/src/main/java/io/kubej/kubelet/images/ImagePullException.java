package io.kubej.kubelet.images;

/**
 * Why a container's image is not there to run: {@code reason} is what
 * containerStatuses[].state.waiting.reason shows (ErrImagePull, ErrImageNeverPull,
 * ImagePullBackOff), the message what the Failed event says.
 */
public final class ImagePullException extends RuntimeException {
    private final String reason;

    public ImagePullException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
