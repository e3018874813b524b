package io.kubej.kubelet.images;

/**
 * Why a container's image is not there to run: {@code reason} is what
 * containerStatuses[].state.waiting.reason shows (ErrImagePull, ErrImageNeverPull,
 * ImagePullBackOff), the message what the Failed event says.
 */
public final class ImagePullException extends RuntimeException {
    private final String reason;
    private final java.time.Duration retryAfter;

    public ImagePullException(String reason, String message, java.time.Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** When trying again makes sense (the pull back-off's end). */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public String reason() {
        return reason;
    }
}
