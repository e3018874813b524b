package io.kubej.kubelet.volume;

/** A volume that cannot be set up yet (its ConfigMap missing, a hostPath of the wrong type). */
public final class VolumeSetUpException extends RuntimeException {
    public VolumeSetUpException(String message) {
        super(message);
    }
}
