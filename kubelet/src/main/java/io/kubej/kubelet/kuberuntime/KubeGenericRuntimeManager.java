package io.kubej.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.ContainerConfig;
import io.kubej.kubelet.cri.v1.ContainerMetadata;
import io.kubej.kubelet.cri.v1.ContainerState;
import io.kubej.kubelet.cri.v1.ContainerStatus;
import io.kubej.kubelet.cri.v1.DNSConfig;
import io.kubej.kubelet.cri.v1.Image;
import io.kubej.kubelet.cri.v1.ImageSpec;
import io.kubej.kubelet.cri.v1.KeyValue;
import io.kubej.kubelet.cri.v1.LinuxPodSandboxConfig;
import io.kubej.kubelet.cri.v1.LinuxSandboxSecurityContext;
import io.kubej.kubelet.cri.v1.NamespaceMode;
import io.kubej.kubelet.cri.v1.NamespaceOption;
import io.kubej.kubelet.cri.v1.PodSandbox;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.cri.v1.PodSandboxMetadata;
import io.kubej.kubelet.cri.v1.PodSandboxStatus;
import io.kubej.kubelet.cri.v1.PortMapping;
import io.kubej.kubelet.cri.v1.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a pod spec into CRI calls (upstream pkg/kubelet/kuberuntime/kuberuntime_manager.go).
 *
 * <p>Each sync is level-driven: read the runtime's state for the pod ({@link #podRuntimeState}),
 * compute what differs from the spec ({@link #computePodActions}), do it ({@link #syncPod}).
 * Running it again with nothing changed does nothing, so missed or repeated events are harmless.
 */
public final class KubeGenericRuntimeManager {
    private static final Logger log = LoggerFactory.getLogger(KubeGenericRuntimeManager.class);
    /** Upstream's crash-loop back-off: 10 s doubling up to 5 min. */
    static final Duration BACKOFF_INITIAL = Duration.ofSeconds(10);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

    /** Node-wide values the sandbox config needs (from KubeletConfiguration). */
    public record NodeSettings(List<String> clusterDNS, String clusterDomain, Path resolvConf, String podLogsDir) {
    }

    /**
     * Something the sync did that a user should hear about (upstream Events reasons). A narrow
     * port so tests can pass a no-op; the kubelet passes the shared
     * {@code io.kubej.client.record.EventRecorder}.
     */
    public interface EventRecorder {
        void event(Pod pod, String type, String reason, String message);
    }

    private final RemoteRuntimeService cri;
    private final NodeSettings settings;
    private final EventRecorder events;
    /** Per pod-uid/container: when it may be restarted next, and the current back-off. */
    private final Map<String, Instant> backoffUntil = new ConcurrentHashMap<>();
    private final Map<String, Duration> backoffStep = new ConcurrentHashMap<>();
    /** Per pod-uid/container: why the last start failed (ErrImagePull, CreateContainerError, ...). */
    private final Map<String, String[]> startFailures = new ConcurrentHashMap<>();

    public KubeGenericRuntimeManager(RemoteRuntimeService cri, NodeSettings settings, EventRecorder events) {
        this.cri = cri;
        this.settings = settings;
        this.events = events;
    }

    public RemoteRuntimeService cri() {
        return cri;
    }

    // ---- observe ----

    /** Sandboxes and container statuses the runtime has for the pod with this uid. */
    public PodRuntimeState podRuntimeState(String uid) {
        List<PodSandboxStatus> sandboxes = new ArrayList<>();
        for (PodSandbox s : cri.listPodSandbox(Map.of(Labels.POD_UID, uid))) {
            sandboxes.add(cri.podSandboxStatus(s.getId()));
        }
        List<ContainerStatus> containers = new ArrayList<>();
        for (io.kubej.kubelet.cri.v1.Container c : cri.listContainers(Map.of(Labels.POD_UID, uid))) {
            containers.add(cri.containerStatus(c.getId()));
        }
        return new PodRuntimeState(uid, sandboxes, containers);
    }

    /** uid -> "namespace/name" of every pod this kubelet has sandboxes for (to find orphans). */
    public Map<String, String> runningPodUids() {
        Map<String, String> uids = new LinkedHashMap<>();
        for (PodSandbox s : cri.listPodSandbox(Map.of(Labels.MANAGED, "true"))) {
            uids.put(s.getMetadata().getUid(), s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
        }
        for (io.kubej.kubelet.cri.v1.Container c : cri.listContainers(Map.of(Labels.MANAGED, "true"))) {
            uids.putIfAbsent(c.getLabelsOrDefault(Labels.POD_UID, ""), c.getLabelsOrDefault(Labels.POD_NAMESPACE, "")
                    + "/" + c.getLabelsOrDefault(Labels.POD_NAME, ""));
        }
        uids.remove("");
        return uids;
    }

    // ---- decide ----

    /**
     * What must change for {@code pod} given the runtime's {@code state} (pure: no CRI calls).
     * A missing or not-ready sandbox means a fresh sandbox and every container restarted in it;
     * otherwise containers that never ran start, and exited ones restart per restartPolicy.
     */
    public static PodActions computePodActions(Pod pod, PodRuntimeState state) {
        String restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
        List<String> specNames = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        var sandbox = state.readySandbox();
        if (sandbox.isEmpty()) {
            boolean firstStart = state.sandboxes().isEmpty();
            // A pod whose containers all finished for good keeps its dead sandbox (upstream: no new sandbox
            // for a RestartPolicy=Never pod that already ran).
            if (!firstStart && !"Always".equals(restartPolicy) && allFinished(pod, state, restartPolicy)) {
                return new PodActions(true, false, 0, List.of(), List.of());
            }
            List<String> toStart = new ArrayList<>();
            for (String name : specNames) {
                if (firstStart || shouldRestart(state.latest(name).orElse(null), restartPolicy)) {
                    toStart.add(name);
                }
            }
            return new PodActions(!firstStart, true, state.sandboxes().size(), toStart, List.of());
        }
        List<String> toStart = new ArrayList<>();
        for (String name : specNames) {
            // all of the pod's containers belong to the ready sandbox: a new sandbox always kills the old ones
            ContainerStatus latest = state.latest(name).orElse(null);
            if (latest == null || latest.getState() == ContainerState.CONTAINER_CREATED
                    || (latest.getState() == ContainerState.CONTAINER_EXITED && shouldRestart(latest, restartPolicy))) {
                toStart.add(name);
            }
        }
        Set<String> wanted = new HashSet<>(specNames);
        List<String> toKill = state.containers().stream()
                .filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING && !wanted.contains(c.getMetadata().getName()))
                .map(ContainerStatus::getId).toList();
        return new PodActions(false, false, 0, toStart, toKill);
    }

    private static boolean shouldRestart(ContainerStatus latest, String restartPolicy) {
        if (latest == null) {
            return true;
        }
        if (latest.getState() == ContainerState.CONTAINER_RUNNING) {
            return false;
        }
        return switch (restartPolicy) {
            case "Never" -> false;
            case "OnFailure" -> latest.getExitCode() != 0;
            default -> true;
        };
    }

    private static boolean allFinished(Pod pod, PodRuntimeState state, String restartPolicy) {
        return pod.getSpec().getContainers().stream().allMatch(c -> state.latest(c.getName())
                .filter(s -> s.getState() == ContainerState.CONTAINER_EXITED && !shouldRestart(s, restartPolicy)).isPresent());
    }

    // ---- act ----

    /**
     * One sync of a live pod: compute the actions and carry them out. Returns how long until the
     * pod should be synced again because of a crash-loop back-off (null: no need).
     */
    public Duration syncPod(Pod pod) throws IOException {
        String uid = pod.getMetadata().getUid();
        PodRuntimeState state = podRuntimeState(uid);
        PodActions actions = computePodActions(pod, state);
        if (actions.killPod()) {
            killPod(state, gracePeriod(pod));
            if (!actions.createSandbox()) {
                return null;
            }
        }
        for (String id : actions.containersToKill()) {
            cri.stopContainer(id, gracePeriod(pod));
        }
        PodSandboxConfig sandboxConfig = sandboxConfig(pod, actions.createSandbox() ? actions.sandboxAttempt()
                : state.readySandbox().map(s -> s.getMetadata().getAttempt()).orElse(0));
        String sandboxId;
        if (actions.createSandbox()) {
            Files.createDirectories(Path.of(sandboxConfig.getLogDirectory()));
            sandboxId = cri.runPodSandbox(sandboxConfig);
            String ip = cri.podSandboxStatus(sandboxId).getNetwork().getIp();
            log.info("pod {}/{}: sandbox {} running with IP {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), shortId(sandboxId), ip);
        } else {
            sandboxId = state.readySandbox().orElseThrow().getId();
        }
        Duration retryIn = null;
        for (Container container : pod.getSpec().getContainers()) {
            if (!actions.containersToStart().contains(container.getName())) {
                continue;
            }
            Duration wait = backoffRemaining(uid, container.getName(), state);
            if (wait != null) {
                retryIn = retryIn == null || wait.compareTo(retryIn) < 0 ? wait : retryIn;
                continue;
            }
            try {
                startContainer(pod, container, sandboxId, sandboxConfig, state);
                startFailures.remove(uid + "/" + container.getName());
            } catch (ImagePullException e) {
                startFailures.put(uid + "/" + container.getName(), new String[] {"ErrImagePull", e.getMessage()});
                events.event(pod, "Warning", "Failed", e.getMessage());
                retryIn = Duration.ofSeconds(5);
            } catch (RuntimeException e) {
                startFailures.put(uid + "/" + container.getName(), new String[] {"CreateContainerError", e.getMessage()});
                events.event(pod, "Warning", "Failed", "Error: " + e.getMessage());
                retryIn = Duration.ofSeconds(5);
            }
        }
        return retryIn;
    }

    /**
     * A container that exited and restarts again waits out its back-off (CrashLoopBackOff).
     * A container with no instance left but a back-off on record also counts as a restart: a
     * sandbox recreation removed its dead instances, and it must not start afresh because of that.
     */
    private Duration backoffRemaining(String uid, String name, PodRuntimeState state) {
        String key = uid + "/" + name;
        var latest = state.latest(name);
        boolean restart = latest.isPresent()
                ? latest.get().getState() == ContainerState.CONTAINER_EXITED
                : backoffUntil.containsKey(key);
        if (!restart) {
            return null;
        }
        Instant until = backoffUntil.get(key);
        Instant now = Instant.now();
        if (until == null) {
            // first restart is immediate; the next one waits
            backoffStep.put(key, BACKOFF_INITIAL);
            backoffUntil.put(key, now.plus(BACKOFF_INITIAL));
            return null;
        }
        if (now.isBefore(until)) {
            return Duration.between(now, until);
        }
        Duration step = backoffStep.getOrDefault(key, BACKOFF_INITIAL).multipliedBy(2);
        step = step.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : step;
        backoffStep.put(key, step);
        backoffUntil.put(key, now.plus(step));
        return null;
    }

    /** Whether a container is waiting out its crash-loop back-off now. */
    public boolean inBackoff(String uid, String name) {
        Instant until = backoffUntil.get(uid + "/" + name);
        return until != null && Instant.now().isBefore(until);
    }

    /**
     * Why a container is waiting, as containerStatuses[].state.waiting shows it: {reason, message},
     * or null when nothing is wrong.
     */
    public String[] waitingReason(String uid, String name) {
        if (inBackoff(uid, name)) {
            return new String[] {"CrashLoopBackOff", "back-off restarting failed container " + name};
        }
        return startFailures.get(uid + "/" + name);
    }

    /** A pull failure (bad name, registry unreachable), reported as ErrImagePull. */
    static final class ImagePullException extends RuntimeException {
        ImagePullException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** ImageStatus, PullImage (per imagePullPolicy), CreateContainer, StartContainer. */
    private void startContainer(Pod pod, Container container, String sandboxId, PodSandboxConfig sandboxConfig,
            PodRuntimeState state) {
        String imageRef = ensureImage(pod, container, sandboxConfig);
        int restartCount = state.latest(container.getName()).isPresent() ? state.restartCount(container.getName()) + 1 : 0;
        // older dead instances are not needed any more; keep only the newest for `logs --previous`
        state.containers().stream().filter(c -> c.getMetadata().getName().equals(container.getName()))
                .skip(1).forEach(c -> cri.removeContainer(c.getId()));
        ContainerConfig config = containerConfig(pod, container, imageRef, restartCount);
        String id = cri.createContainer(sandboxId, config, sandboxConfig);
        events.event(pod, "Normal", "Created", "Created container " + container.getName());
        cri.startContainer(id);
        events.event(pod, "Normal", "Started", "Started container " + container.getName());
        log.info("pod {}/{}: container {} started ({}, restart {})", pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), container.getName(), shortId(id), restartCount);
    }

    private String ensureImage(Pod pod, Container container, PodSandboxConfig sandboxConfig) {
        String image = container.getImage();
        String policy = container.getImagePullPolicy();
        if (policy == null) {
            policy = image.endsWith(":latest") || !image.contains(":") ? "Always" : "IfNotPresent";
        }
        Image present = cri.imageStatus(image);
        if (present != null && !"Always".equals(policy)) {
            return present.getId();
        }
        if ("Never".equals(policy)) {
            throw new IllegalStateException("image " + image + " is not present and imagePullPolicy is Never (ErrImageNeverPull)");
        }
        events.event(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"");
        long start = System.nanoTime();
        String ref;
        try {
            ref = cri.pullImage(image, sandboxConfig);
        } catch (RuntimeException e) {
            throw new ImagePullException("Failed to pull image \"" + image + "\": " + e.getMessage(), e);
        }
        events.event(pod, "Normal", "Pulled", "Successfully pulled image \"" + image + "\" in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
        return ref;
    }

    /**
     * Stops and removes everything the runtime has for a pod: containers with the grace period
     * (StopContainer, RemoveContainer), then sandboxes (StopPodSandbox, which runs CNI DEL, and
     * RemovePodSandbox). Every call is idempotent.
     */
    public void killPod(PodRuntimeState state, long graceSeconds) {
        // Stop every container, not only those the snapshot saw running: one that was just
        // (re)started may still read CREATED, and RemoveContainer refuses a running one.
        // StopContainer is idempotent, so stopping an exited container costs one call.
        for (ContainerStatus c : state.containers()) {
            cri.stopContainer(c.getId(), graceSeconds);
        }
        for (ContainerStatus c : state.containers()) {
            cri.removeContainer(c.getId());
        }
        for (PodSandboxStatus s : state.sandboxes()) {
            cri.stopPodSandbox(s.getId());
            cri.removePodSandbox(s.getId());
        }
        if (!state.sandboxes().isEmpty()) {
            io.kubej.kubelet.cm.PodContainerManager.destroy(state.uid());
        }
        // The crash-loop back-off is deliberately kept: syncPod also kills a pod whose sandbox
        // died, and a sandbox that keeps dying must back off like a crashing container does.
        // The back-off goes only with the pod itself (forgetPod).
    }

    /**
     * Drops what the kubelet remembers about a pod that is gone for good (deleted from the API,
     * or an orphan torn down): its crash-loop back-off and last start failures. Call after
     * {@link #killPod}; never for a sandbox recreation of a live pod.
     */
    public void forgetPod(String uid) {
        backoffUntil.keySet().removeIf(k -> k.startsWith(uid + "/"));
        backoffStep.keySet().removeIf(k -> k.startsWith(uid + "/"));
        startFailures.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }

    /** Stops the pod's containers and sandbox but keeps them (a finished pod keeps its status and logs). */
    public void stopPod(PodRuntimeState state, long graceSeconds) {
        for (ContainerStatus c : state.containers()) {
            if (c.getState() == ContainerState.CONTAINER_RUNNING) {
                cri.stopContainer(c.getId(), graceSeconds);
            }
        }
        for (PodSandboxStatus s : state.sandboxes()) {
            cri.stopPodSandbox(s.getId());
        }
    }

    public static long gracePeriod(Pod pod) {
        Long fromDeletion = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (fromDeletion != null) {
            return fromDeletion;
        }
        Long fromSpec = pod.getSpec().getTerminationGracePeriodSeconds();
        return fromSpec != null ? fromSpec : 30;
    }

    // ---- CRI configs from the pod spec ----

    /** RunPodSandbox's config: identity, hostname, logs, DNS, host ports, namespaces, cgroup. */
    public PodSandboxConfig sandboxConfig(Pod pod, int attempt) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        String hostname = spec.getHostname() != null ? spec.getHostname() : meta.getName();
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(meta.getName()).setNamespace(meta.getNamespace())
                        .setUid(meta.getUid()).setAttempt(attempt))
                .setHostname(Boolean.TRUE.equals(spec.getHostNetwork()) ? "" : hostname)
                .setLogDirectory(Path.of(settings.podLogsDir(), meta.getNamespace() + "_" + meta.getName() + "_" + meta.getUid()).toString())
                .setDnsConfig(dnsConfig(pod))
                .putAllLabels(Objects.requireNonNullElse(meta.getLabels(), Map.of()))
                .putAllLabels(podLabels(pod))
                .putAllAnnotations(Objects.requireNonNullElse(meta.getAnnotations(), Map.of()))
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(io.kubej.kubelet.cm.PodContainerManager.cgroupParent(meta.getUid()))
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder()
                                        .setNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? NamespaceMode.NODE : NamespaceMode.POD)
                                        .setPid(Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE : NamespaceMode.CONTAINER)
                                        .setIpc(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD))));
        for (Container c : spec.getContainers()) {
            for (ContainerPort p : Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of())) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    b.addPortMappings(PortMapping.newBuilder()
                            .setProtocol(switch (Objects.requireNonNullElse(p.getProtocol(), "TCP")) {
                                case "UDP" -> Protocol.UDP;
                                case "SCTP" -> Protocol.SCTP;
                                default -> Protocol.TCP;
                            })
                            .setContainerPort(p.getContainerPort()).setHostPort(p.getHostPort())
                            .setHostIp(Objects.requireNonNullElse(p.getHostIP(), "")));
                }
            }
        }
        return b.build();
    }

    /** dnsPolicy ClusterFirst: the cluster DNS and search path; Default: the node's resolv.conf. */
    DNSConfig dnsConfig(Pod pod) {
        String policy = Objects.requireNonNullElse(pod.getSpec().getDnsPolicy(), "ClusterFirst");
        boolean clusterFirst = (policy.equals("ClusterFirst") && !Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))
                || policy.equals("ClusterFirstWithHostNet");
        if (clusterFirst && !settings.clusterDNS().isEmpty()) {
            String d = settings.clusterDomain();
            return DNSConfig.newBuilder().addAllServers(settings.clusterDNS())
                    .addSearches(pod.getMetadata().getNamespace() + ".svc." + d).addSearches("svc." + d).addSearches(d)
                    .addOptions("ndots:5").build();
        }
        DNSConfig.Builder b = DNSConfig.newBuilder();
        try {
            for (String line : Files.readAllLines(settings.resolvConf())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                switch (f[0]) {
                    case "nameserver" -> b.addServers(f[1]);
                    case "search" -> b.addAllSearches(List.of(f).subList(1, f.length));
                    case "options" -> b.addAllOptions(List.of(f).subList(1, f.length));
                    default -> { }
                }
            }
        } catch (IOException e) {
            log.warn("cannot read resolvConf {}: {}", settings.resolvConf(), e.toString());
        }
        return b.build();
    }

    private static Map<String, String> podLabels(Pod pod) {
        return Map.of(Labels.POD_NAME, pod.getMetadata().getName(), Labels.POD_NAMESPACE, pod.getMetadata().getNamespace(),
                Labels.POD_UID, pod.getMetadata().getUid(), Labels.MANAGED, "true");
    }

    /** CreateContainer's config: image, command/args, env, labels, log path {@code <name>/<restartCount>.log}. */
    ContainerConfig containerConfig(Pod pod, Container container, String imageRef, int restartCount) {
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(container.getName()).setAttempt(restartCount))
                .setImage(ImageSpec.newBuilder().setImage(imageRef))
                .addAllCommand(Objects.requireNonNullElse(container.getCommand(), List.of()))
                .addAllArgs(Objects.requireNonNullElse(container.getArgs(), List.of()))
                .setWorkingDir(Objects.requireNonNullElse(container.getWorkingDir(), ""))
                .putAllLabels(podLabels(pod))
                .putLabels(Labels.CONTAINER_NAME, container.getName())
                .putAnnotations(Labels.RESTART_COUNT, Integer.toString(restartCount))
                .putAnnotations(Labels.TERMINATION_GRACE_PERIOD, Long.toString(gracePeriod(pod)))
                .setLogPath(container.getName() + "/" + restartCount + ".log")
                .setStdin(Boolean.TRUE.equals(container.getStdin()))
                .setStdinOnce(Boolean.TRUE.equals(container.getStdinOnce()))
                .setTty(Boolean.TRUE.equals(container.getTty()));
        for (EnvVar env : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            String value = env.getValue();
            if (value == null && env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                value = switch (env.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> pod.getMetadata().getName();
                    case "metadata.namespace" -> pod.getMetadata().getNamespace();
                    case "metadata.uid" -> pod.getMetadata().getUid();
                    case "spec.nodeName" -> pod.getSpec().getNodeName();
                    case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
                    default -> null;
                };
            }
            if (value != null) {
                b.addEnvs(KeyValue.newBuilder().setKey(env.getName()).setValue(value));
            }
        }
        return b.build();
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
