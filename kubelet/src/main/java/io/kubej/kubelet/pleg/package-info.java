/** Pod lifecycle events from relisting the runtime (upstream pkg/kubelet/pleg). */
package io.kubej.kubelet.pleg;
