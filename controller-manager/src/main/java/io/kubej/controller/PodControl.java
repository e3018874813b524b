package io.kubej.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.record.EventRecorder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * How a workload controller makes and removes its pods (upstream: {@code RealPodControl} in
 * pkg/controller/controller_utils.go). Every controller that owns pods (ReplicaSet, and later
 * StatefulSet, DaemonSet, Job) creates them the same way, from its pod template with its
 * controllerRef, and records the same Events on itself: SuccessfulCreate / FailedCreate,
 * SuccessfulDelete / FailedDelete.
 */
public final class PodControl {
    private final KubernetesClient client;
    private final EventRecorder recorder;

    public PodControl(KubernetesClient client, EventRecorder recorder) {
        this.client = client;
        this.recorder = recorder;
    }

    /**
     * Upstream's GetPodFromTemplate: a pod with the template's labels, annotations, finalizers
     * and spec, named by the API server from {@code <owner name>-} plus a random suffix, and
     * owned by {@code owner}.
     */
    public static Pod podFromTemplate(PodTemplateSpec template, HasMetadata owner) {
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        return new PodBuilder()
                .withNewMetadata()
                    .withGenerateName(owner.getMetadata().getName() + "-")
                    .withNamespace(owner.getMetadata().getNamespace())
                    .withLabels(tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels()))
                    .withAnnotations(tm.getAnnotations() == null ? new HashMap<>() : new HashMap<>(tm.getAnnotations()))
                    .withFinalizers(tm.getFinalizers() == null ? null : new ArrayList<>(tm.getFinalizers()))
                    .withOwnerReferences(ControllerRefManager.controllerRef(owner))
                .endMetadata()
                .withSpec(Serialization.clone(template.getSpec()))
                .build();
    }

    /**
     * What went wrong, as a user should read it in an Event or a condition: the API server's
     * Status message ({@code pods "x" is forbidden: exceeded quota: ...}), not the client's
     * wrapping of the whole request.
     */
    public static String message(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /** Creates a pod from {@code owner}'s template; returns the created pod. */
    public Pod createPod(PodTemplateSpec template, HasMetadata owner) {
        return createPod(podFromTemplate(template, owner), owner);
    }

    /** Creates {@code pod} (already carrying its owner's controllerRef) and records the outcome on the owner. */
    public Pod createPod(Pod pod, HasMetadata owner) {
        try {
            Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
            recorder.event(owner, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
            return created;
        } catch (KubernetesClientException e) {
            recorder.event(owner, EventRecorder.WARNING, "FailedCreate", "Error creating: " + message(e));
            throw e;
        }
    }

    /** Deletes a pod of {@code owner}; a pod already gone is not an error (the informer reports it). */
    public void deletePod(String namespace, String name, HasMetadata owner) {
        try {
            List<?> deleted = client.pods().inNamespace(namespace).withName(name).delete();
            if (!deleted.isEmpty()) {
                recorder.event(owner, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + name);
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return;
            }
            recorder.event(owner, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + message(e));
            throw e;
        }
    }
}
