package io.kubej.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods (upstream {@code pkg/registry/core/pod/strategy.go} and the v1 defaulting in
 * {@code pkg/apis/core/v1/defaults.go}): a new pod is Pending with its QoS class computed;
 * a pod bound to a node is deleted gracefully, so its kubelet can stop the containers first.
 */
public final class PodStrategy implements RESTStrategy {

    @Override
    public void prepareForCreate(ObjectNode pod) {
        ObjectNode spec = Json.obj(pod, "spec");
        applyPodSpecDefaults(spec);
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", qosClass(spec));
    }

    @Override
    public void prepareForUpdate(ObjectNode pod, ObjectNode old) {
        applyPodSpecDefaults(Json.obj(pod, "spec"));
    }

    /** The defaults upstream's v1 scheme applies to every PodSpec (also in templates). */
    public static void applyPodSpecDefaults(ObjectNode spec) {
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        if (!spec.has("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        for (String list : new String[] {"initContainers", "containers"}) {
            JsonNode cs = spec.get(list);
            if (cs instanceof ArrayNode arr) {
                for (JsonNode c : arr) {
                    if (c instanceof ObjectNode container) {
                        applyContainerDefaults(container);
                    }
                }
            }
        }
    }

    static void applyContainerDefaults(ObjectNode c) {
        String image = c.path("image").asText("");
        String lastPart = image.substring(image.lastIndexOf('/') + 1);
        boolean latest = !lastPart.contains(":") && !image.contains("@") || image.endsWith(":latest");
        putIfAbsent(c, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
        putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(c, "terminationMessagePolicy", "File");
        if (!c.has("resources")) {
            c.putObject("resources");
        }
        JsonNode ports = c.get("ports");
        if (ports instanceof ArrayNode arr) {
            for (JsonNode p : arr) {
                if (p instanceof ObjectNode port) {
                    putIfAbsent(port, "protocol", "TCP");
                }
            }
        }
    }

    /** Guaranteed if every container's requests equal limits for cpu and memory, BestEffort if none set any. */
    static String qosClass(ObjectNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (JsonNode c : spec.path("containers")) {
            JsonNode req = c.path("resources").path("requests");
            JsonNode lim = c.path("resources").path("limits");
            if (req.size() > 0 || lim.size() > 0) {
                any = true;
            }
            for (String r : new String[] {"cpu", "memory"}) {
                String l = lim.path(r).asText("");
                String q = req.path(r).asText(l);
                if (l.isEmpty() || !l.equals(q)) {
                    guaranteed = false;
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    @Override
    public List<Cause> validate(ObjectNode pod) {
        List<Cause> causes = new ArrayList<>();
        causes.addAll(Validation.validatePodSpec(pod.get("spec"), "spec"));
        return causes;
    }

    /** Only images, activeDeadlineSeconds, added tolerations and a negative grace period may change ({@link PodUpdateRules}). */
    @Override
    public List<Cause> validateUpdate(ObjectNode pod, ObjectNode old) {
        return PodUpdateRules.validateUpdate(pod, old);
    }

    @Override
    public long gracePeriodSeconds(ObjectNode pod, Long requested) {
        // Unbound or finished pods have no kubelet to wait for: remove them at once.
        String phase = pod.path("status").path("phase").asText("");
        if (pod.path("spec").path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            return 0;
        }
        if (requested != null) {
            return Math.max(0, requested);
        }
        JsonNode current = pod.path("metadata").get("deletionGracePeriodSeconds");
        if (current != null) {
            return current.asLong();
        }
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || o.get(field).asText().isEmpty()) {
            o.put(field, value);
        }
    }
}
