package io.kubej.apiserver.registry.core.pod;

import io.kubej.apiserver.registry.PatchMeta;

/**
 * The strategic-merge metadata of the pod spec and its parts (upstream's {@code patchMergeKey}
 * tags in {@code core/v1/types.go}), written once and reused wherever a pod spec appears: in
 * pods, pod templates, and the templates of every workload kind.
 */
public final class PodPatchMeta {
    private PodPatchMeta() {
    }

    public static final PatchMeta CONTAINER = PatchMeta.fields()
            .mergeList("ports", "containerPort")
            .mergeList("env", "name")
            .mergeList("volumeMounts", "mountPath")
            .mergeList("volumeDevices", "devicePath")
            .build();

    public static final PatchMeta POD_SPEC = PatchMeta.fields()
            .mergeList("containers", "name", CONTAINER)
            .mergeList("initContainers", "name", CONTAINER)
            .mergeList("ephemeralContainers", "name", CONTAINER)
            .mergeList("volumes", "name")
            .mergeList("imagePullSecrets", "name")
            .mergeList("hostAliases", "ip")
            .mergeList("topologySpreadConstraints", "topologyKey")
            .mergeList("schedulingGates", "name")
            .mergeList("resourceClaims", "name")
            .build();

    public static final PatchMeta POD_STATUS = PatchMeta.fields()
            .mergeList("conditions", "type")
            .mergeList("podIPs", "ip")
            .mergeList("hostIPs", "ip")
            .build();

    /** A PodTemplateSpec: its own metadata and a pod spec. */
    public static final PatchMeta TEMPLATE = PatchMeta.fields()
            .field("metadata", PatchMeta.OBJECT_META)
            .field("spec", POD_SPEC)
            .build();

    public static final PatchMeta POD = PatchMeta.object().field("spec", POD_SPEC).field("status", POD_STATUS).build();

    /** A workload whose spec.template is a pod template and whose status has typed conditions. */
    public static final PatchMeta WORKLOAD = PatchMeta.object()
            .field("spec", PatchMeta.fields().field("template", TEMPLATE).build())
            .field("status", PatchMeta.fields().mergeList("conditions", "type").build())
            .build();
}
