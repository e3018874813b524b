/** Pod admission on the node (upstream pkg/kubelet/lifecycle): what the kubelet refuses before running a pod. */
package io.kubej.kubelet.lifecycle;
