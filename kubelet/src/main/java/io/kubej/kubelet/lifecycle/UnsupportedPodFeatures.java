package io.kubej.kubelet.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The pod fields kubej's kubelet does not honour yet. A pod using one is refused before anything
 * of it runs (phase Failed, reason {@value #REASON}, an event), in the way upstream's admit
 * handlers reject a pod (pkg/kubelet/lifecycle), rather than run without what it asked for.
 *
 * <p>This list is meant to shrink: when a feature is implemented, delete its line here (and
 * add its test where the feature lives).
 */
public final class UnsupportedPodFeatures {
    public static final String REASON = "UnsupportedPodSpec";

    /** A field path (dots into objects) and when a value there counts as used. */
    record Rule(String path, Predicate<JsonNode> used) {
    }

    private static Rule set(String path) {
        return new Rule(path, UnsupportedPodFeatures::isSet);
    }

    /** Under the pod object. */
    static final List<Rule> POD = List.of(
            set("spec.initContainers"),
            set("spec.ephemeralContainers"),
            set("spec.readinessGates"),
            set("spec.imagePullSecrets"),
            set("spec.runtimeClassName"),
            set("spec.activeDeadlineSeconds"),
            set("spec.shareProcessNamespace"),
            set("spec.setHostnameAsFQDN"),
            new Rule("spec.hostUsers", v -> v.isBoolean() && !v.asBoolean()),
            set("spec.dnsConfig"),
            new Rule("spec.dnsPolicy", v -> v.asText().equals("None")),
            set("spec.overhead"),
            set("spec.resources"),
            set("spec.resourceClaims"),
            new Rule("spec.os", v -> !v.path("name").asText("linux").equals("linux")),
            set("spec.securityContext.runAsUser"),
            set("spec.securityContext.runAsGroup"),
            set("spec.securityContext.runAsNonRoot"),
            set("spec.securityContext.fsGroup"),
            set("spec.securityContext.fsGroupChangePolicy"),
            set("spec.securityContext.supplementalGroups"),
            set("spec.securityContext.supplementalGroupsPolicy"),
            set("spec.securityContext.seccompProfile"),
            set("spec.securityContext.appArmorProfile"),
            set("spec.securityContext.seLinuxOptions"),
            set("spec.securityContext.seLinuxChangePolicy"),
            set("spec.securityContext.sysctls"),
            set("spec.securityContext.windowsOptions"));

    /** Under each {@code spec.containers[i]}. */
    static final List<Rule> CONTAINER = List.of(
            set("livenessProbe"),
            set("readinessProbe"),
            set("startupProbe"),
            set("lifecycle"),
            set("resources.limits"),
            set("resources.claims"),
            set("resizePolicy"),
            set("restartPolicy"),
            set("securityContext"),
            set("volumeDevices"),
            new Rule("terminationMessagePolicy", v -> v.asText().equals("FallbackToLogsOnError")),
            new Rule("terminationMessagePath", v -> !v.asText().equals("/dev/termination-log")));

    /** Under each {@code spec.containers[i].volumeMounts[j]}. */
    static final List<Rule> VOLUME_MOUNT = List.of(
            new Rule("mountPropagation", v -> !v.asText().equals("None")),
            set("subPathExpr"),
            new Rule("recursiveReadOnly", v -> !v.asText().equals("Disabled")));

    /** Volume types with a plugin (io.kubej.kubelet.volume); every other source is refused. */
    static final Set<String> VOLUME_TYPES = Set.of("emptyDir", "hostPath", "configMap", "secret", "projected", "downwardAPI");

    /** Under each {@code spec.volumes[i]} of a supported type. */
    static final List<Rule> VOLUME = List.of(
            new Rule("emptyDir", v -> isSet(v.get("sizeLimit")) && !v.path("medium").asText().equals("Memory")));

    /** Under each {@code spec.volumes[i].projected.sources[k]}. */
    static final Set<String> PROJECTION_TYPES = Set.of("configMap", "secret", "downwardAPI", "serviceAccountToken");

    /** Annotations asking for confinement this host cannot give (no AppArmor on kubej's machines). */
    static final List<String> ANNOTATION_PREFIXES = List.of("container.apparmor.security.beta.kubernetes.io/",
            "container.seccomp.security.alpha.kubernetes.io/", "seccomp.security.alpha.kubernetes.io/pod");

    private UnsupportedPodFeatures() {
    }

    /** The path of the first field the pod uses that is not implemented, if any. */
    public static Optional<String> firstUnsupported(Pod pod) {
        JsonNode root = Serialization.jsonMapper().valueToTree(pod);
        for (Rule r : POD) {
            if (used(root, r)) {
                return Optional.of(r.path());
            }
        }
        for (Map.Entry<String, JsonNode> a : iterable(root.path("metadata").path("annotations").fields())) {
            if (ANNOTATION_PREFIXES.stream().anyMatch(a.getKey()::startsWith)) {
                return Optional.of("metadata.annotations[" + a.getKey() + "]");
            }
        }
        JsonNode containers = root.path("spec").path("containers");
        for (int i = 0; i < containers.size(); i++) {
            String at = "spec.containers[" + i + "]";
            for (Rule r : CONTAINER) {
                if (used(containers.get(i), r)) {
                    return Optional.of(at + "." + r.path());
                }
            }
            JsonNode mounts = containers.get(i).path("volumeMounts");
            for (int j = 0; j < mounts.size(); j++) {
                for (Rule r : VOLUME_MOUNT) {
                    if (used(mounts.get(j), r)) {
                        return Optional.of(at + ".volumeMounts[" + j + "]." + r.path());
                    }
                }
            }
        }
        JsonNode volumes = root.path("spec").path("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            String at = "spec.volumes[" + i + "]";
            for (Map.Entry<String, JsonNode> f : iterable(volumes.get(i).fields())) {
                if (!f.getKey().equals("name") && isSet(f.getValue()) && !VOLUME_TYPES.contains(f.getKey())) {
                    return Optional.of(at + "." + f.getKey());
                }
            }
            for (Rule r : VOLUME) {
                if (used(volumes.get(i), r)) {
                    return Optional.of(at + "." + r.path() + ".sizeLimit");
                }
            }
            JsonNode sources = volumes.get(i).path("projected").path("sources");
            for (int k = 0; k < sources.size(); k++) {
                for (Map.Entry<String, JsonNode> f : iterable(sources.get(k).fields())) {
                    if (isSet(f.getValue()) && !PROJECTION_TYPES.contains(f.getKey())) {
                        return Optional.of(at + ".projected.sources[" + k + "]." + f.getKey());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The message of the event and of the pod's status. */
    public static String message(String field) {
        return "kubej's kubelet does not implement " + field + " yet";
    }

    private static boolean used(JsonNode base, Rule rule) {
        JsonNode v = base;
        for (String part : rule.path().split("\\.")) {
            v = v == null ? null : v.get(part);
        }
        return v != null && !v.isNull() && !v.isMissingNode() && rule.used().test(v);
    }

    private static boolean isSet(JsonNode v) {
        return v != null && !v.isNull() && !v.isMissingNode() && !(v.isContainerNode() && v.isEmpty())
                && !(v.isBoolean() && !v.asBoolean());
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        return () -> it;
    }
}
