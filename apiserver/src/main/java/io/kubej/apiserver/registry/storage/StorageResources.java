package io.kubej.apiserver.registry.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;

/**
 * storage.k8s.io/v1 (upstream {@code pkg/registry/storage}): StorageClasses name a provisioner
 * and how its volumes behave (reclaim policy Delete and Immediate binding by default; the
 * provisioner, parameters and reclaim policy never change), CSIDrivers and CSINodes describe
 * CSI plugins, VolumeAttachments record which node a volume is attached to.
 */
public final class StorageResources {
    private static final String GROUP = "storage.k8s.io";

    private StorageResources() {
    }

    public static List<Resource> resources() {
        return List.of(storageClasses(), csiDrivers(), csiNodes(), volumeAttachments());
    }

    static Resource storageClasses() {
        return Resource.builder(GROUP, "v1", "StorageClass").plural("storageclasses").clusterScoped().shortNames("sc")
                .model(StorageClass.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .defaults(sc -> {
                            WorkloadRules.putIfAbsent(sc, "reclaimPolicy", "Delete");
                            WorkloadRules.putIfAbsent(sc, "volumeBindingMode", "Immediate");
                        })
                        .validate(sc -> Validation.requireField(sc, "provisioner"))
                        .validate(sc -> Validation.oneOf(sc, "reclaimPolicy", List.of("Delete", "Retain")))
                        .validate(sc -> Validation.oneOf(sc, "volumeBindingMode", List.of("Immediate", "WaitForFirstConsumer")))
                        .immutable("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode")
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the class"), Column.of("Provisioner", "string", "Who makes its volumes"),
                        Column.of("ReclaimPolicy", "string", "What happens to released volumes"),
                        Column.of("VolumeBindingMode", "string", "When claims bind"),
                        Column.of("AllowVolumeExpansion", "string", "Whether claims may grow"), Column.of("Age", "string", "Time since creation")),
                        (sc, now) -> List.of(nameWithDefault(sc), sc.path("provisioner").asText(), sc.path("reclaimPolicy").asText(),
                                sc.path("volumeBindingMode").asText(), sc.path("allowVolumeExpansion").asBoolean(false) ? "true" : "false",
                                TableConvertor.age(sc, now))))
                .build();
    }

    /** kubectl marks the default class "(default)" after its name. */
    private static String nameWithDefault(ObjectNode sc) {
        boolean isDefault = "true".equals(sc.path("metadata").path("annotations").path("storageclass.kubernetes.io/is-default-class").asText());
        return TableConvertor.name(sc) + (isDefault ? " (default)" : "");
    }

    static Resource csiDrivers() {
        return Resource.builder(GROUP, "v1", "CSIDriver").plural("csidrivers").clusterScoped().model(CSIDriver.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .defaults(d -> {
                            ObjectNode spec = Json.obj(d, "spec");
                            WorkloadRules.putIfAbsent(spec, "attachRequired", true);
                            WorkloadRules.putIfAbsent(spec, "podInfoOnMount", false);
                            WorkloadRules.putIfAbsent(spec, "requiresRepublish", false);
                            WorkloadRules.putIfAbsent(spec, "storageCapacity", false);
                            WorkloadRules.putIfAbsent(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
                            if (!spec.has("volumeLifecycleModes")) {
                                spec.putArray("volumeLifecycleModes").add("Persistent");
                            }
                        })
                        .immutable("spec.attachRequired", "spec.podInfoOnMount")
                        .build())
                .build();
    }

    static Resource csiNodes() {
        return Resource.builder(GROUP, "v1", "CSINode").plural("csinodes").clusterScoped().model(CSINode.class)
                .strategy(SimpleStrategy.builder().noStatus().build())
                .build();
    }

    static Resource volumeAttachments() {
        return Resource.builder(GROUP, "v1", "VolumeAttachment").clusterScoped().model(VolumeAttachment.class)
                .strategy(SimpleStrategy.builder()
                        .validate(va -> Validation.requireField(va, "spec.attacher"))
                        .validate(va -> Validation.requireField(va, "spec.nodeName"))
                        .immutable("spec")
                        .build())
                .subresource(StatusSubresource.INSTANCE)
                .build();
    }
}
