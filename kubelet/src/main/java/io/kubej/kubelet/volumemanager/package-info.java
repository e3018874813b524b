/** The pods' volumes: desired state from the spec, actual state per pod (upstream pkg/kubelet/volumemanager). */
package io.kubej.kubelet.volumemanager;
