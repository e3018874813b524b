package io.kubej.apiserver.registry.core.pod;

import io.kubej.apiserver.registry.PatchMeta;

/**
 * The strategic-merge metadata of the pod spec and its parts (upstream's {@code patchMergeKey}
 * tags in {@code core/v1/types.go}), written once and reused wherever a pod spec appears: in
 * pods, pod templates, and the templates of every workload kind. Server-side apply reads the
 * list types from the same metadata ({@code +listType=map} on containers by name, ports by
 * containerPort and protocol, env by name, volumes by name, volume mounts by mountPath); a label
 * selector is {@code +structType=atomic} and a node selector {@code +mapType=atomic}.
 */
public final class PodPatchMeta {
    private PodPatchMeta() {
    }

    public static final PatchMeta CONTAINER = PatchMeta.fields()
            .mapList("ports", PatchMeta.EMPTY, "containerPort", "protocol")
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
            .mapList("topologySpreadConstraints", PatchMeta.EMPTY, "topologyKey", "whenUnsatisfiable")
            .atomic("nodeSelector")
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
            .field("spec", PatchMeta.fields().atomic("selector").field("template", TEMPLATE).build())
            .field("status", PatchMeta.fields().mergeList("conditions", "type").build())
            .build();
}
