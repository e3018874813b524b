/** Bound service-account tokens for pods (upstream pkg/kubelet/token). */
package io.kubej.kubelet.token;
