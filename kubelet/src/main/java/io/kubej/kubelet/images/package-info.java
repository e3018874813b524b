/** Image pulls for the pods' containers (upstream pkg/kubelet/images). */
package io.kubej.kubelet.images;
