package io.kubej.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which objects a controller owns (upstream: pkg/controller/controller_ref_manager.go). Every
 * workload controller asks the same question of the objects its selector could match: a
 * ReplicaSet of pods, a Deployment of ReplicaSets, a StatefulSet of pods and revisions.
 *
 * <p>The rules, per candidate:
 * <ul>
 *   <li>owned by another controller (a different controllerRef uid): not ours, left alone;</li>
 *   <li>owned by us and still selected: ours;</li>
 *   <li>owned by us but no longer selected: released (our ownerReference removed), unless we
 *       are being deleted, when the garbage collector decides instead;</li>
 *   <li>an orphan (no controllerRef) that we select: adopted (our controllerRef added), unless we
 *       or it are being deleted, or it lives in another namespace. Before the first adoption the
 *       owner is read fresh from the API server: a cached owner may already be deleted, and
 *       adopting for it would hand the orphan to the garbage collector.</li>
 * </ul>
 * Adoption and release are updates from the cached copy, so a concurrent change (someone else
 * adopted it first) fails with 409 and the controller's sync is retried.
 */
public final class ControllerRefManager<T extends HasMetadata> {
    private static final Logger log = LoggerFactory.getLogger(ControllerRefManager.class);

    private final KubernetesClient client;
    private final HasMetadata controller;
    private final LabelSelector selector;
    private final Supplier<HasMetadata> freshController;
    private boolean adoptionChecked;

    /**
     * @param freshController reads the controller live from the API server (null if gone); asked
     *                        at most once, before the first adoption
     */
    public ControllerRefManager(KubernetesClient client, HasMetadata controller, LabelSelector selector,
                                Supplier<HasMetadata> freshController) {
        this.client = client;
        this.controller = controller;
        this.selector = selector;
        this.freshController = freshController;
    }

    /** The candidates this controller owns after adopting and releasing as the rules above say. */
    public List<T> claim(List<T> candidates) {
        List<T> owned = new ArrayList<>();
        String uid = controller.getMetadata().getUid();
        boolean deleting = controller.getMetadata().getDeletionTimestamp() != null;
        for (T obj : candidates) {
            boolean selected = LabelSelectors.matches(selector, obj.getMetadata().getLabels());
            OwnerReference ref = PodUtil.controllerRef(obj).orElse(null);
            if (ref != null) {
                if (!Objects.equals(ref.getUid(), uid)) {
                    continue;
                }
                if (selected) {
                    owned.add(obj);
                } else if (!deleting) {
                    release(obj);
                }
            } else if (selected && !deleting && obj.getMetadata().getDeletionTimestamp() == null
                    && Objects.equals(obj.getMetadata().getNamespace(), controller.getMetadata().getNamespace())) {
                T adopted = adopt(obj);
                if (adopted != null) {
                    owned.add(adopted);
                }
            }
        }
        return owned;
    }

    /** Adds our controllerRef; returns the updated object, or null if it is gone. */
    private T adopt(T obj) {
        checkCanAdopt();
        T copy = Serialization.clone(obj);
        List<OwnerReference> refs = copy.getMetadata().getOwnerReferences() == null
                ? new ArrayList<>() : new ArrayList<>(copy.getMetadata().getOwnerReferences());
        refs.add(controllerRef(controller));
        copy.getMetadata().setOwnerReferences(refs);
        T updated = updateUnlessGone(copy);
        if (updated != null) {
            log.info("{} {} adopted {} {}", controller.getKind(), Keys.of(controller), obj.getKind(), obj.getMetadata().getName());
        }
        return updated;
    }

    /** Removes our ownerReference from an object the selector no longer matches. */
    private void release(T obj) {
        T copy = Serialization.clone(obj);
        List<OwnerReference> refs = new ArrayList<>(copy.getMetadata().getOwnerReferences());
        refs.removeIf(r -> Objects.equals(r.getUid(), controller.getMetadata().getUid()));
        copy.getMetadata().setOwnerReferences(refs);
        if (updateUnlessGone(copy) != null) {
            log.info("{} {} released {} {}", controller.getKind(), Keys.of(controller), obj.getKind(), obj.getMetadata().getName());
        }
    }

    /** Upstream's RecheckDeletionTimestamp: adopt only for an owner that still exists, undeleted. */
    private void checkCanAdopt() {
        if (adoptionChecked) {
            return;
        }
        HasMetadata fresh = freshController.get();
        if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), controller.getMetadata().getUid())) {
            throw new IllegalStateException("original " + controller.getKind() + " " + Keys.of(controller)
                    + " is gone: got uid " + (fresh == null ? "none" : fresh.getMetadata().getUid()));
        }
        if (fresh.getMetadata().getDeletionTimestamp() != null) {
            throw new IllegalStateException(controller.getKind() + " " + Keys.of(controller)
                    + " has just been deleted at " + fresh.getMetadata().getDeletionTimestamp());
        }
        adoptionChecked = true;
    }

    private T updateUnlessGone(T obj) {
        try {
            return client.resource(obj).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** The ownerReference a controller puts on what it owns: controller=true, blockOwnerDeletion=true. */
    public static OwnerReference controllerRef(HasMetadata owner) {
        String apiVersion = owner.getApiVersion() != null ? owner.getApiVersion() : HasMetadata.getApiVersion(owner.getClass());
        String kind = owner.getKind() != null ? owner.getKind() : HasMetadata.getKind(owner.getClass());
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
