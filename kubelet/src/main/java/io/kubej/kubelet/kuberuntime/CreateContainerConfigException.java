package io.kubej.kubelet.kuberuntime;

/**
 * A container whose config cannot be built (upstream's ErrCreateContainerConfig): a missing
 * ConfigMap, Secret or key it needs. The container waits with reason CreateContainerConfigError.
 */
public final class CreateContainerConfigException extends RuntimeException {
    public CreateContainerConfigException(String message) {
        super(message);
    }
}
