package io.kubej.kubelet.container;

/**
 * One pod sandbox as the kubelet sees it (upstream {@code kubecontainer.PodSandboxStatus}'s
 * fields that matter here): ready or not, its IP, when it was made and its attempt number.
 */
public record SandboxStatus(String id, boolean ready, String ip, long createdAt, int attempt) {
}
