package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an update may change in a running pod's spec (upstream: ValidatePodUpdate and
 * ValidatePodEphemeralContainersUpdate in pkg/apis/core/validation).
 *
 * <p>A pod is a record of what runs on a node: the kubelet starts it once from its spec and
 * does not reconcile later edits of most fields. So upstream lets an update change only
 * container images, activeDeadlineSeconds, tolerations (additions only) and a negative
 * terminationGracePeriodSeconds; everything else is refused instead of being accepted and
 * silently never applied. Ephemeral containers (kubectl debug) are added only through the
 * {@code ephemeralcontainers} subresource, and only added: never changed or removed.
 */
final class PodUpdateRules {
    static final String FORBIDDEN_UPDATE = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
            + "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
    /** Container fields an ephemeral container may not set: it is a debugging aid, not part of the pod's service. */
    private static final List<String> NOT_FOR_EPHEMERAL = List.of("ports", "livenessProbe", "readinessProbe", "startupProbe",
            "lifecycle", "resources", "resizePolicy", "restartPolicy");

    private PodUpdateRules() {
    }

    /** An update of the main resource: the spec may differ from the old one only in the allowed fields. */
    static List<Cause> validateUpdate(ObjectNode pod, ObjectNode old) {
        JsonNode spec = pod.path("spec");
        JsonNode oldSpec = old.path("spec");
        List<Cause> causes = new ArrayList<>();
        causes.addAll(tolerationsOnlyAdded(spec.path("tolerations"), oldSpec.path("tolerations")));
        if (!withoutMutableFields(spec, oldSpec).equals(withoutMutableFields(oldSpec, oldSpec))) {
            causes.add(Validation.forbidden("spec", FORBIDDEN_UPDATE));
        }
        return causes;
    }

    /**
     * The spec with what an update may change set to the old values, so that any other
     * difference shows as inequality.
     */
    private static JsonNode withoutMutableFields(JsonNode spec, JsonNode oldSpec) {
        if (!(spec instanceof ObjectNode s)) {
            return spec;
        }
        ObjectNode copy = s.deepCopy();
        for (String list : new String[] {"containers", "initContainers"}) {
            JsonNode cs = copy.get(list);
            JsonNode olds = oldSpec.path(list);
            if (cs instanceof ArrayNode arr && olds.isArray() && arr.size() == olds.size()) {
                for (int i = 0; i < arr.size(); i++) {
                    if (arr.get(i) instanceof ObjectNode c && olds.get(i).has("image")) {
                        c.set("image", olds.get(i).get("image"));
                    }
                }
            }
        }
        copy.remove("activeDeadlineSeconds");
        copy.remove("tolerations");
        long oldGrace = oldSpec.path("terminationGracePeriodSeconds").asLong(30);
        if (oldGrace < 0 && copy.path("terminationGracePeriodSeconds").asLong() == 1) {
            copy.set("terminationGracePeriodSeconds", oldSpec.get("terminationGracePeriodSeconds"));
        }
        return copy;
    }

    /** Every existing toleration must still be there (a NoExecute one may only shorten its tolerationSeconds). */
    private static List<Cause> tolerationsOnlyAdded(JsonNode now, JsonNode old) {
        Set<JsonNode> present = new HashSet<>();
        now.forEach(present::add);
        for (JsonNode t : old) {
            if (!present.contains(t) && !shortened(t, now)) {
                return List.of(Validation.forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
            }
        }
        return List.of();
    }

    private static boolean shortened(JsonNode old, JsonNode now) {
        if (!old.has("tolerationSeconds")) {
            return false;
        }
        for (JsonNode t : now) {
            ObjectNode a = ((ObjectNode) t).deepCopy();
            ObjectNode b = ((ObjectNode) old).deepCopy();
            long seconds = a.path("tolerationSeconds").asLong(Long.MAX_VALUE);
            a.remove("tolerationSeconds");
            b.remove("tolerationSeconds");
            if (a.equals(b) && t.has("tolerationSeconds") && seconds <= old.path("tolerationSeconds").asLong()) {
                return true;
            }
        }
        return false;
    }

    /**
     * An update through {@code pods/<name>/ephemeralcontainers}: existing ephemeral containers
     * stay exactly as they are; new ones need a unique name and an image, may name a target
     * container, and may not set the fields of {@link #NOT_FOR_EPHEMERAL}.
     */
    static List<Cause> validateEphemeralContainersUpdate(ObjectNode pod, ObjectNode old) {
        List<Cause> causes = new ArrayList<>();
        JsonNode now = pod.path("spec").path("ephemeralContainers");
        JsonNode before = old.path("spec").path("ephemeralContainers");
        for (JsonNode e : before) {
            String name = e.path("name").asText();
            JsonNode same = byName(now, name);
            if (same == null) {
                causes.add(Validation.forbidden("spec.ephemeralContainers", "existing ephemeral containers \"" + name + "\" may not be removed"));
            } else if (!same.equals(e)) {
                causes.add(Validation.forbidden("spec.ephemeralContainers[" + name + "]", "existing ephemeral containers may not be changed"));
            }
        }
        Set<String> names = new HashSet<>();
        for (String list : new String[] {"containers", "initContainers"}) {
            pod.path("spec").path(list).forEach(c -> names.add(c.path("name").asText()));
        }
        for (int i = 0; i < now.size(); i++) {
            JsonNode e = now.get(i);
            String f = "spec.ephemeralContainers[" + i + "]";
            String name = e.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(Validation.required(f + ".name"));
            } else if (Validation.nameProblem(name, Validation.NameRule.DNS1123_LABEL) != null) {
                causes.add(Validation.invalid(f + ".name", name, Validation.nameProblem(name, Validation.NameRule.DNS1123_LABEL)));
            } else if (!names.add(name)) {
                causes.add(Validation.duplicate(f + ".name", name));
            }
            if (byName(before, name) != null) {
                continue; // already checked above, and valid when it was added
            }
            if (e.path("image").asText("").isBlank()) {
                causes.add(Validation.required(f + ".image"));
            }
            for (String field : NOT_FOR_EPHEMERAL) {
                if (e.has(field) && !(e.get(field).isObject() && e.get(field).isEmpty())) {
                    causes.add(Validation.forbidden(f + "." + field, "cannot be set for an Ephemeral Container"));
                }
            }
            String target = e.path("targetContainerName").asText("");
            if (!target.isEmpty() && byName(pod.path("spec").path("containers"), target) == null
                    && byName(pod.path("spec").path("initContainers"), target) == null) {
                causes.add(Validation.notFound(f + ".targetContainerName", target));
            }
        }
        return causes;
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode c : list) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }
}
