/** The volume plugins, one per volume type (upstream pkg/volume/*), and the atomic writer they share. */
package io.kubej.kubelet.volume;
