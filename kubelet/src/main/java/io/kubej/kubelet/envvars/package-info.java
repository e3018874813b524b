/** Containers' environment: env, envFrom, the downward API and the service variables (upstream pkg/kubelet/envvars and kubelet_pods.go). */
package io.kubej.kubelet.envvars;
