/**
 * The runtime-neutral view of pods (upstream pkg/kubelet/container, "kubecontainer"): what the
 * rest of the kubelet reads instead of CRI messages.
 */
package io.kubej.kubelet.container;
