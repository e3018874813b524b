package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The PodSecurity admission plugin (upstream {@code staging/src/k8s.io/pod-security-admission}),
 * checking pods against the Pod Security Standards their namespace asks for with labels:
 * {@code pod-security.kubernetes.io/enforce: baseline|restricted} refuses a violating pod,
 * {@code pod-security.kubernetes.io/warn} admits it with a warning. Workloads with a pod
 * template (Deployments, Jobs, ...) are only warned about, as upstream, since their pods are
 * checked when created. {@code privileged}, the default, allows everything.
 *
 * <p>baseline forbids what breaks out of the container: host namespaces, privileged
 * containers, added capabilities beyond the default set, hostPath volumes, host ports, an
 * unconfined seccomp or AppArmor profile, SELinux escapes, unmasked /proc, unsafe sysctls.
 * restricted also requires hardening: only ordinary volume types, no privilege escalation,
 * non-root, a RuntimeDefault or Localhost seccomp profile, and every capability dropped
 * (NET_BIND_SERVICE may be added back). Versions ({@code -version} labels) are read as latest.
 */
public final class PodSecurity implements AdmissionPlugin {
    static final String PREFIX = "pod-security.kubernetes.io/";
    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
            "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");
    /** Where each workload kind keeps its pod template. */
    private static final Map<String, String[]> TEMPLATES = Map.of(
            "deployments", new String[] {"spec", "template"}, "replicasets", new String[] {"spec", "template"},
            "statefulsets", new String[] {"spec", "template"}, "daemonsets", new String[] {"spec", "template"},
            "jobs", new String[] {"spec", "template"}, "replicationcontrollers", new String[] {"spec", "template"},
            "podtemplates", new String[] {"template"}, "cronjobs", new String[] {"spec", "jobTemplate", "spec", "template"});

    private final Function<String, Optional<ObjectNode>> namespaces;

    public PodSecurity(Function<String, Optional<ObjectNode>> namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.mainResource() || a.object() == null || !(a.operation().equals("CREATE") || a.operation().equals("UPDATE"))) {
            return;
        }
        String plural = a.resource().plural();
        boolean pod = a.resource().group().isEmpty() && plural.equals("pods");
        JsonNode template = pod ? a.object() : templateOf(a);
        if (template == null || pod && a.operation().equals("UPDATE")) {
            return; // a pod's spec barely changes after creation; upstream re-checks only a few fields, kubej none
        }
        JsonNode labels = namespaces.apply(a.namespace()).map(ns -> ns.path("metadata").path("labels")).orElse(null);
        if (labels == null) {
            return;
        }
        String enforce = labels.path(PREFIX + "enforce").asText("privileged");
        String warn = labels.path(PREFIX + "warn").asText("privileged");
        if (pod) {
            List<String> violations = check(template, enforce);
            if (!violations.isEmpty()) {
                throw StatusError.forbiddenOn("", "pods", a.name(), "violates PodSecurity \"" + enforce + ":latest\": "
                        + String.join(", ", violations));
            }
        }
        for (String level : pod ? List.of(warn) : List.of(enforce, warn)) {
            List<String> violations = check(template, level);
            if (!violations.isEmpty()) {
                Warnings.add("would violate PodSecurity \"" + level + ":latest\": " + String.join(", ", violations));
                return;
            }
        }
    }

    private static JsonNode templateOf(Attributes a) {
        String[] path = TEMPLATES.get(a.resource().plural());
        if (path == null || !(a.resource().group().isEmpty() || a.resource().group().equals("apps") || a.resource().group().equals("batch"))) {
            return null;
        }
        JsonNode t = a.object();
        for (String p : path) {
            t = t.path(p);
        }
        return t.isMissingNode() ? null : t;
    }

    /** The violations of {@code level} by a pod (or pod template), in upstream's wording. */
    static List<String> check(JsonNode pod, String level) {
        if (!level.equals("baseline") && !level.equals("restricted")) {
            return List.of();
        }
        JsonNode spec = pod.path("spec");
        JsonNode podSc = spec.path("securityContext");
        List<JsonNode> containers = new ArrayList<>();
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            spec.path(list).forEach(containers::add);
        }
        List<String> out = new ArrayList<>();
        baseline(spec, podSc, containers, out);
        if (level.equals("restricted")) {
            restricted(spec, podSc, containers, out);
        }
        return out;
    }

    private static void baseline(JsonNode spec, JsonNode podSc, List<JsonNode> containers, List<String> out) {
        List<String> hostNs = new ArrayList<>();
        for (String f : new String[] {"hostNetwork", "hostPID", "hostIPC"}) {
            if (spec.path(f).asBoolean(false)) {
                hostNs.add(f + "=true");
            }
        }
        if (!hostNs.isEmpty()) {
            out.add("host namespaces (" + String.join(", ", hostNs) + ")");
        }
        violating(out, "privileged", containers, c -> c.path("securityContext").path("privileged").asBoolean(false),
                "must not set securityContext.privileged=true");
        Map<String, List<String>> caps = new LinkedHashMap<>();
        for (JsonNode c : containers) {
            for (JsonNode cap : c.path("securityContext").path("capabilities").path("add")) {
                if (!BASELINE_CAPABILITIES.contains(cap.asText())) {
                    caps.computeIfAbsent(c.path("name").asText(), k -> new ArrayList<>()).add("\"" + cap.asText() + "\"");
                }
            }
        }
        caps.forEach((c, added) -> out.add("non-default capabilities (container \"" + c + "\" must not include "
                + String.join(", ", added) + " in securityContext.capabilities.add)"));
        List<String> hostPaths = new ArrayList<>();
        spec.path("volumes").forEach(v -> {
            if (v.has("hostPath")) {
                hostPaths.add("\"" + v.path("name").asText() + "\"");
            }
        });
        if (!hostPaths.isEmpty()) {
            out.add("hostPath volumes (" + (hostPaths.size() == 1 ? "volume " : "volumes ") + String.join(", ", hostPaths) + ")");
        }
        for (JsonNode c : containers) {
            for (JsonNode p : c.path("ports")) {
                if (p.path("hostPort").asInt(0) != 0) {
                    out.add("hostPort (container \"" + c.path("name").asText() + "\" uses hostPort " + p.path("hostPort").asInt() + ")");
                }
            }
        }
        if (podSc.path("seccompProfile").path("type").asText().equals("Unconfined")) {
            out.add("seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")");
        }
        violating(out, "seccompProfile", containers, c -> c.path("securityContext").path("seccompProfile").path("type").asText().equals("Unconfined"),
                "must not set securityContext.seccompProfile.type to \"Unconfined\"");
        violating(out, "appArmorProfile", containers,
                c -> c.path("securityContext").path("appArmorProfile").path("type").asText().equals("Unconfined"),
                "must not set securityContext.appArmorProfile.type to \"Unconfined\"");
        violating(out, "procMount", containers, c -> !c.path("securityContext").path("procMount").asText("Default").equals("Default"),
                "must not set securityContext.procMount to a value other than \"Default\"");
        violating(out, "seLinuxOptions", containers, c -> badSeLinux(c.path("securityContext").path("seLinuxOptions")),
                "must not set securityContext.seLinuxOptions user, role, or a type other than the container types");
        if (badSeLinux(podSc.path("seLinuxOptions"))) {
            out.add("seLinuxOptions (pod set forbidden securityContext.seLinuxOptions)");
        }
        List<String> sysctls = new ArrayList<>();
        podSc.path("sysctls").forEach(s -> {
            if (!SAFE_SYSCTLS.contains(s.path("name").asText())) {
                sysctls.add(s.path("name").asText());
            }
        });
        if (!sysctls.isEmpty()) {
            out.add("forbidden sysctls (" + String.join(", ", sysctls) + ")");
        }
    }

    private static void restricted(JsonNode spec, JsonNode podSc, List<JsonNode> containers, List<String> out) {
        for (JsonNode v : spec.path("volumes")) {
            for (var it = v.fieldNames(); it.hasNext(); ) {
                String type = it.next();
                if (!type.equals("name") && !RESTRICTED_VOLUMES.contains(type)) {
                    out.add("restricted volume types (volume \"" + v.path("name").asText() + "\" uses restricted volume type \"" + type + "\")");
                }
            }
        }
        violating(out, "allowPrivilegeEscalation != false", containers,
                c -> !c.path("securityContext").path("allowPrivilegeEscalation").isBoolean()
                        || c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(),
                "must set securityContext.allowPrivilegeEscalation=false");
        violating(out, "unrestricted capabilities", containers, c -> {
            JsonNode capsNode = c.path("securityContext").path("capabilities");
            boolean dropsAll = false;
            for (JsonNode d : capsNode.path("drop")) {
                dropsAll |= d.asText().equals("ALL");
            }
            boolean addsOnlyBind = true;
            for (JsonNode add : capsNode.path("add")) {
                addsOnlyBind &= add.asText().equals("NET_BIND_SERVICE");
            }
            return !dropsAll || !addsOnlyBind;
        }, "must set securityContext.capabilities.drop=[\"ALL\"]");
        boolean podNonRoot = podSc.path("runAsNonRoot").asBoolean(false);
        podOrContainers(out, "runAsNonRoot != true", containers,
                c -> !(c.path("securityContext").path("runAsNonRoot").isBoolean() ? c.path("securityContext").path("runAsNonRoot").asBoolean() : podNonRoot),
                "must set securityContext.runAsNonRoot=true");
        if (podSc.path("runAsUser").isInt() && podSc.path("runAsUser").asInt() == 0) {
            out.add("runAsUser=0 (pod must not set runAsUser=0)");
        }
        violating(out, "runAsUser=0", containers,
                c -> c.path("securityContext").path("runAsUser").isInt() && c.path("securityContext").path("runAsUser").asInt() == 0,
                "must not set runAsUser=0");
        String podSeccomp = podSc.path("seccompProfile").path("type").asText("");
        podOrContainers(out, "seccompProfile", containers, c -> {
            String t = c.path("securityContext").path("seccompProfile").path("type").asText(podSeccomp);
            return !(t.equals("RuntimeDefault") || t.equals("Localhost"));
        }, "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }

    private static boolean badSeLinux(JsonNode o) {
        return !o.isMissingNode() && (!o.path("user").asText("").isEmpty() || !o.path("role").asText("").isEmpty()
                || !SELINUX_TYPES.contains(o.path("type").asText("")));
    }

    /** "check (container "a" must ...)" or "check (containers "a", "b" must ...)". */
    private static void violating(List<String> out, String check, List<JsonNode> containers,
                                  java.util.function.Predicate<JsonNode> bad, String must) {
        List<String> names = names(containers, bad);
        if (!names.isEmpty()) {
            out.add(check + " (" + (names.size() == 1 ? "container " : "containers ") + String.join(", ", names) + " " + must + ")");
        }
    }

    /** As {@link #violating}, for settings a pod-level default can satisfy: "pod or container ...". */
    private static void podOrContainers(List<String> out, String check, List<JsonNode> containers,
                                        java.util.function.Predicate<JsonNode> bad, String must) {
        List<String> names = names(containers, bad);
        if (!names.isEmpty()) {
            out.add(check + " (pod or " + (names.size() == 1 ? "container " : "containers ") + String.join(", ", names) + " " + must + ")");
        }
    }

    private static List<String> names(List<JsonNode> containers, java.util.function.Predicate<JsonNode> bad) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : containers) {
            if (bad.test(c)) {
                names.add("\"" + c.path("name").asText() + "\"");
            }
        }
        return names;
    }
}
