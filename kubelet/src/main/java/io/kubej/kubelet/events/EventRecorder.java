package io.kubej.kubelet.events;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Something a pod's sync did that its user should hear about, as an Event on the pod (upstream
 * pkg/kubelet/events names the reasons). A narrow port so unit tests pass a no-op or a list; the
 * kubelet passes the shared {@code io.kubej.client.record.EventRecorder}.
 */
@FunctionalInterface
public interface EventRecorder {
    void event(Pod pod, String type, String reason, String message);
}
