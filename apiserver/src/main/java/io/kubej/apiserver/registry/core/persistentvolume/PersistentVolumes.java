package io.kubej.apiserver.registry.core.persistentvolume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PersistentVolumes and PersistentVolumeClaims (upstream {@code pkg/registry/core/persistentvolume}
 * and {@code persistentvolumeclaim}): a volume offers capacity and access modes, a claim asks
 * for them; both start Pending. After creation a claim's spec may only change its requested
 * storage (and volumeAttributesClassName), since a bound volume was chosen for that spec.
 */
public final class PersistentVolumes {
    private static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");
    private static final Map<String, String> SHORT_MODES = Map.of("ReadWriteOnce", "RWO", "ReadOnlyMany", "ROX",
            "ReadWriteMany", "RWX", "ReadWriteOncePod", "RWOP");

    private PersistentVolumes() {
    }

    public static Resource volumes() {
        return Resource.builder("", "v1", "PersistentVolume").clusterScoped().shortNames("pv").model(PersistentVolume.class)
                .strategy(SimpleStrategy.builder()
                        .initialStatus(o -> o.putObject("status").put("phase", "Pending"))
                        .defaults(o -> {
                            ObjectNode spec = Json.obj(o, "spec");
                            WorkloadRules.putIfAbsent(spec, "persistentVolumeReclaimPolicy", "Retain");
                            WorkloadRules.putIfAbsent(spec, "volumeMode", "Filesystem");
                        })
                        .validate(o -> Validation.requireField(o, "spec.capacity.storage"))
                        .validate(o -> accessModes(o.path("spec"), "spec.accessModes"))
                        .validate(o -> Validation.oneOf(o, "spec.persistentVolumeReclaimPolicy", List.of("Retain", "Delete", "Recycle")))
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the volume"),
                        Column.of("Capacity", "string", "Size"), Column.of("Access Modes", "string", "How it may be mounted"),
                        Column.of("Reclaim Policy", "string", "What happens when released"), Column.of("Status", "string", "Phase"),
                        Column.of("Claim", "string", "The bound claim"), Column.of("StorageClass", "string", "Its class"),
                        Column.of("VolumeAttributesClass", "string", "Its attributes class"),
                        Column.of("Reason", "string", "Why it is in this phase"), Column.of("Age", "string", "Time since creation")),
                        (pv, now) -> {
                            JsonNode ref = pv.path("spec").path("claimRef");
                            String claim = ref.isMissingNode() ? "" : ref.path("namespace").asText() + "/" + ref.path("name").asText();
                            return List.of(TableConvertor.name(pv), pv.path("spec").path("capacity").path("storage").asText(""),
                                    modes(pv.path("spec").path("accessModes")), pv.path("spec").path("persistentVolumeReclaimPolicy").asText(),
                                    pv.path("status").path("phase").asText(""), claim, pv.path("spec").path("storageClassName").asText(""),
                                    pv.path("spec").path("volumeAttributesClassName").asText("<unset>"), pv.path("status").path("reason").asText(""),
                                    TableConvertor.age(pv, now));
                        }))
                .subresource(StatusSubresource.INSTANCE).build();
    }

    public static Resource claims() {
        return Resource.builder("", "v1", "PersistentVolumeClaim").shortNames("pvc").model(PersistentVolumeClaim.class)
                .strategy(SimpleStrategy.builder()
                        .initialStatus(o -> o.putObject("status").put("phase", "Pending"))
                        .defaults(o -> WorkloadRules.putIfAbsent(Json.obj(o, "spec"), "volumeMode", "Filesystem"))
                        .validate(o -> accessModes(o.path("spec"), "spec.accessModes"))
                        .validate(o -> Validation.requireField(o, "spec.resources.requests.storage"))
                        .validateUpdate(PersistentVolumes::claimSpecFixed)
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the claim"), Column.of("Status", "string", "Phase"),
                        Column.of("Volume", "string", "The bound volume"), Column.of("Capacity", "string", "Size of the bound volume"),
                        Column.of("Access Modes", "string", "How it may be mounted"), Column.of("StorageClass", "string", "Its class"),
                        Column.of("VolumeAttributesClass", "string", "Its attributes class"), Column.of("Age", "string", "Time since creation")),
                        (c, now) -> List.of(TableConvertor.name(c), c.path("status").path("phase").asText(""),
                                c.path("spec").path("volumeName").asText(""), c.path("status").path("capacity").path("storage").asText(""),
                                modes(c.path("status").path("accessModes")), c.path("spec").path("storageClassName").asText(""),
                                c.path("spec").path("volumeAttributesClassName").asText("<unset>"), TableConvertor.age(c, now))))
                .subresource(StatusSubresource.INSTANCE).build();
    }

    static List<Cause> accessModes(JsonNode spec, String field) {
        JsonNode modes = spec.path("accessModes");
        if (modes.isEmpty()) {
            return List.of(Validation.required(field));
        }
        List<Cause> causes = new ArrayList<>();
        for (JsonNode m : modes) {
            if (!ACCESS_MODES.contains(m.asText())) {
                causes.add(Validation.notSupported(field, m.asText(), ACCESS_MODES));
            }
        }
        return causes;
    }

    /** Upstream's rule for claims: the spec is fixed except the requested size (and the attributes class). */
    static List<Cause> claimSpecFixed(ObjectNode now, ObjectNode old) {
        ObjectNode a = now.path("spec").deepCopy();
        ObjectNode b = old.path("spec").deepCopy();
        boolean unbound = b.path("volumeName").asText("").isEmpty();
        for (ObjectNode s : List.of(a, b)) {
            if (s.get("resources") instanceof ObjectNode r) {
                r.remove("requests");
            }
            s.remove("volumeAttributesClassName");
            if (unbound) {
                s.remove("volumeName"); // binding an unbound claim fills it in
            }
        }
        return a.equals(b) ? List.of() : List.of(Validation.forbidden("spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
    }

    private static String modes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        modes.forEach(m -> out.add(SHORT_MODES.getOrDefault(m.asText(), m.asText())));
        return String.join(",", out);
    }
}
