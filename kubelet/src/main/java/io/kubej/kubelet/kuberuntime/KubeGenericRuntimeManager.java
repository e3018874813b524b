package io.kubej.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubej.kubelet.cm.PodContainerManager;
import io.kubej.kubelet.container.ContainerStatus;
import io.kubej.kubelet.container.PodStatus;
import io.kubej.kubelet.container.RunningPod;
import io.kubej.kubelet.container.SandboxStatus;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.ContainerConfig;
import io.kubej.kubelet.cri.v1.PodSandbox;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.cri.v1.PodSandboxState;
import io.kubej.kubelet.events.EventRecorder;
import io.kubej.kubelet.images.ImageManager;
import io.kubej.kubelet.images.ImagePullException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * The kubelet's side of CRI (upstream pkg/kubelet/kuberuntime/kuberuntime_manager.go): reads what
 * the runtime has ({@link #getPodStatus}, {@link #getPods}), decides what must change
 * ({@link #computePodActions}) and does it ({@link #syncPod}, {@link #killPod}).
 *
 * <p>The pieces it drives are upstream's too: sandbox configs ({@link PodSandboxConfigs},
 * kuberuntime_sandbox.go), container configs ({@link ContainerConfigs}, kuberuntime_container.go),
 * images ({@link ImageManager}), dead instances ({@link ContainerGC}, kuberuntime_gc.go) and the
 * crash-loop back-off ({@link CrashLoopBackOff}). Each sync is level-driven: running it again with
 * nothing changed does nothing, so missed or repeated events are harmless.
 */
public final class KubeGenericRuntimeManager {
    private static final Logger log = LoggerFactory.getLogger(KubeGenericRuntimeManager.class);

    /** Node-wide values the sandbox config needs (from KubeletConfiguration). */
    public record NodeSettings(List<String> clusterDNS, String clusterDomain, Path resolvConf, String podLogsDir) {
    }

    /** What one sync did: whether it changed anything in the runtime, and when to sync again (null: no need). */
    public record SyncResult(boolean changed, Duration retryIn) {
    }

    private final RemoteRuntimeService cri;
    private final EventRecorder events;
    private final RuntimeHelper helper;
    private final PodSandboxConfigs sandboxes;
    private final ImageManager images;
    private final ContainerGC gc;
    private final CrashLoopBackOff backOff = new CrashLoopBackOff(Clock.systemUTC());
    /** Per pod-uid/container: why the last start failed, {reason, message}. */
    private final Map<String, String[]> startFailures = new ConcurrentHashMap<>();

    public KubeGenericRuntimeManager(RemoteRuntimeService cri, NodeSettings settings, EventRecorder events,
            RuntimeHelper helper) {
        this.cri = cri;
        this.events = events;
        this.helper = helper;
        this.sandboxes = new PodSandboxConfigs(settings);
        this.images = new ImageManager(cri, events);
        this.gc = new ContainerGC(cri);
    }

    /** A manager whose containers get only their command and args (no env, no volumes). */
    public KubeGenericRuntimeManager(RemoteRuntimeService cri, NodeSettings settings, EventRecorder events) {
        this(cri, settings, events, RuntimeHelper.NONE);
    }

    public RemoteRuntimeService cri() {
        return cri;
    }

    public PodSandboxConfigs sandboxConfigs() {
        return sandboxes;
    }

    // ---- observe ----

    /**
     * Every pod the runtime has sandboxes or containers for, from one ListPodSandbox and one
     * ListContainers (upstream GetPods): what the PLEG compares and housekeeping cleans up.
     */
    public List<RunningPod> getPods() {
        Map<String, String[]> who = new LinkedHashMap<>();
        Map<String, Map<String, String>> sandboxStates = new LinkedHashMap<>();
        Map<String, Map<String, String>> containerStates = new LinkedHashMap<>();
        for (PodSandbox s : cri.listPodSandbox(Map.of(Labels.MANAGED, "true"))) {
            String uid = s.getMetadata().getUid();
            who.putIfAbsent(uid, new String[] {s.getMetadata().getNamespace(), s.getMetadata().getName()});
            sandboxStates.computeIfAbsent(uid, u -> new LinkedHashMap<>()).put(s.getId(), s.getState().name());
        }
        for (io.kubej.kubelet.cri.v1.Container c : cri.listContainers(Map.of(Labels.MANAGED, "true"))) {
            String uid = c.getLabelsOrDefault(Labels.POD_UID, "");
            if (uid.isEmpty()) {
                continue;
            }
            who.putIfAbsent(uid, new String[] {c.getLabelsOrDefault(Labels.POD_NAMESPACE, ""), c.getLabelsOrDefault(Labels.POD_NAME, "")});
            containerStates.computeIfAbsent(uid, u -> new LinkedHashMap<>()).put(c.getId(), c.getState().name());
        }
        List<RunningPod> pods = new ArrayList<>();
        who.forEach((uid, nsName) -> pods.add(new RunningPod(uid, nsName[0], nsName[1],
                sandboxStates.getOrDefault(uid, Map.of()), containerStates.getOrDefault(uid, Map.of()))));
        return pods;
    }

    /** Inspects one pod: its sandboxes and containers with their full statuses (upstream GetPodStatus). */
    public PodStatus getPodStatus(String uid) {
        List<SandboxStatus> sandboxList = new ArrayList<>();
        for (PodSandbox s : cri.listPodSandbox(Map.of(Labels.POD_UID, uid))) {
            var st = cri.podSandboxStatus(s.getId());
            sandboxList.add(new SandboxStatus(st.getId(), st.getState() == PodSandboxState.SANDBOX_READY,
                    st.getNetwork().getIp(), st.getCreatedAt(), st.getMetadata().getAttempt()));
        }
        List<ContainerStatus> containers = new ArrayList<>();
        for (io.kubej.kubelet.cri.v1.Container c : cri.listContainers(Map.of(Labels.POD_UID, uid))) {
            var st = cri.containerStatus(c.getId());
            containers.add(new ContainerStatus(st.getId(), st.getMetadata().getName(), switch (st.getState()) {
                case CONTAINER_CREATED -> ContainerStatus.State.CREATED;
                case CONTAINER_RUNNING -> ContainerStatus.State.RUNNING;
                case CONTAINER_EXITED -> ContainerStatus.State.EXITED;
                default -> ContainerStatus.State.UNKNOWN;
            }, st.getExitCode(), st.getReason(), st.getMessage(), st.getCreatedAt(), st.getStartedAt(), st.getFinishedAt(),
                    st.getImageRef(), Integer.parseInt(st.getAnnotationsOrDefault(Labels.RESTART_COUNT, "0"))));
        }
        return new PodStatus(uid, sandboxList, containers);
    }

    // ---- decide ----

    /**
     * What must change for {@code pod} given the runtime's {@code status} (pure: no CRI calls).
     * A missing or not-ready sandbox means a fresh sandbox and every container restarted in it;
     * otherwise containers that never ran start, and exited ones restart per restartPolicy.
     */
    public static PodActions computePodActions(Pod pod, PodStatus status) {
        String restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
        List<String> specNames = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        var sandbox = status.readySandbox();
        if (sandbox.isEmpty()) {
            boolean firstStart = status.sandboxes().isEmpty();
            // A pod whose containers all finished for good keeps its dead sandbox (upstream: no new sandbox
            // for a RestartPolicy=Never pod that already ran).
            if (!firstStart && !"Always".equals(restartPolicy) && allFinished(pod, status, restartPolicy)) {
                return new PodActions(true, false, 0, List.of(), List.of());
            }
            List<String> toStart = new ArrayList<>();
            for (String name : specNames) {
                if (firstStart || shouldRestart(status.latest(name).orElse(null), restartPolicy)) {
                    toStart.add(name);
                }
            }
            return new PodActions(!firstStart, true, status.sandboxes().size(), toStart, List.of());
        }
        List<String> toStart = new ArrayList<>();
        for (String name : specNames) {
            // all of the pod's containers belong to the ready sandbox: a new sandbox always kills the old ones
            ContainerStatus latest = status.latest(name).orElse(null);
            if (latest == null || latest.state() == ContainerStatus.State.CREATED
                    || (latest.exited() && shouldRestart(latest, restartPolicy))) {
                toStart.add(name);
            }
        }
        Set<String> wanted = new HashSet<>(specNames);
        List<String> toKill = status.containers().stream()
                .filter(c -> c.running() && !wanted.contains(c.name()))
                .map(ContainerStatus::id).toList();
        return new PodActions(false, false, 0, toStart, toKill);
    }

    private static boolean shouldRestart(ContainerStatus latest, String restartPolicy) {
        if (latest == null) {
            return true;
        }
        if (latest.running()) {
            return false;
        }
        return switch (restartPolicy) {
            case "Never" -> false;
            case "OnFailure" -> latest.exitCode() != 0;
            default -> true;
        };
    }

    private static boolean allFinished(Pod pod, PodStatus status, String restartPolicy) {
        return pod.getSpec().getContainers().stream().allMatch(c -> status.latest(c.getName())
                .filter(s -> s.exited() && !shouldRestart(s, restartPolicy)).isPresent());
    }

    // ---- act ----

    /** One sync from a fresh inspection; returns when to sync again for a back-off (null: no need). */
    public Duration syncPod(Pod pod) throws IOException {
        return syncPod(pod, getPodStatus(pod.getMetadata().getUid())).retryIn();
    }

    /** One sync of a live pod against {@code status} (the runtime's state as last inspected). */
    public SyncResult syncPod(Pod pod, PodStatus status) throws IOException {
        String uid = pod.getMetadata().getUid();
        PodActions actions = computePodActions(pod, status);
        boolean changed = actions.killPod() || actions.createSandbox() || !actions.containersToKill().isEmpty();
        if (actions.killPod()) {
            killPod(status, gracePeriod(pod));
            if (!actions.createSandbox()) {
                return new SyncResult(true, null);
            }
        }
        for (String id : actions.containersToKill()) {
            cri.stopContainer(id, gracePeriod(pod));
        }
        PodSandboxConfig sandboxConfig = sandboxes.sandboxConfig(pod, actions.createSandbox() ? actions.sandboxAttempt()
                : status.readySandbox().map(SandboxStatus::attempt).orElse(0));
        String sandboxId;
        String podIP;
        if (actions.createSandbox()) {
            Files.createDirectories(Path.of(sandboxConfig.getLogDirectory()));
            sandboxId = cri.runPodSandbox(sandboxConfig);
            podIP = cri.podSandboxStatus(sandboxId).getNetwork().getIp();
            log.info("pod {}/{}: sandbox {} running with IP {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    shortId(sandboxId), podIP);
        } else {
            sandboxId = status.readySandbox().orElseThrow().id();
            podIP = status.readySandbox().orElseThrow().ip();
        }
        Duration retryIn = null;
        for (Container container : pod.getSpec().getContainers()) {
            if (!actions.containersToStart().contains(container.getName())) {
                continue;
            }
            Duration wait = backOff.remaining(uid, container.getName(), status);
            if (wait != null) {
                retryIn = earliest(retryIn, wait);
                continue;
            }
            changed = true;
            String key = uid + "/" + container.getName();
            try {
                startContainer(pod, container, sandboxId, sandboxConfig, status, podIP);
                startFailures.remove(key);
            } catch (ImagePullException e) {
                startFailures.put(key, new String[] {e.reason(), e.getMessage()});
                retryIn = earliest(retryIn, e.retryAfter());
            } catch (CreateContainerConfigException e) {
                startFailures.put(key, new String[] {"CreateContainerConfigError", e.getMessage()});
                events.event(pod, "Warning", "Failed", "Error: " + e.getMessage());
                retryIn = earliest(retryIn, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                startFailures.put(key, new String[] {"CreateContainerError", e.getMessage()});
                events.event(pod, "Warning", "Failed", "Error: " + e.getMessage());
                retryIn = earliest(retryIn, Duration.ofSeconds(5));
            }
        }
        return new SyncResult(changed, retryIn);
    }

    private static Duration earliest(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    /** Whether a container is waiting out its crash-loop back-off now. */
    public boolean inBackoff(String uid, String name) {
        return backOff.inBackOff(uid, name);
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

    /** ImageStatus/PullImage, the config (env, mounts), CreateContainer, StartContainer. */
    private void startContainer(Pod pod, Container container, String sandboxId, PodSandboxConfig sandboxConfig,
            PodStatus status, String podIP) {
        String imageRef = images.ensureImageExists(pod, container, sandboxConfig);
        int restartCount = status.latest(container.getName()).isPresent() ? status.restartCount(container.getName()) + 1 : 0;
        RuntimeHelper.RunContainerOptions options = helper.generateRunContainerOptions(pod, container, podIP);
        gc.removeOlderInstances(status, container.getName());
        ContainerConfig config = ContainerConfigs.containerConfig(pod, container, imageRef, restartCount, options);
        String id = cri.createContainer(sandboxId, config, sandboxConfig);
        events.event(pod, "Normal", "Created", "Created container " + container.getName());
        cri.startContainer(id);
        events.event(pod, "Normal", "Started", "Started container " + container.getName());
        log.info("pod {}/{}: container {} started ({}, restart {})", pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), container.getName(), shortId(id), restartCount);
    }

    /**
     * Stops and removes everything the runtime has for a pod: containers with the grace period
     * (StopContainer, RemoveContainer), then sandboxes (StopPodSandbox, which runs CNI DEL, and
     * RemovePodSandbox). Every call is idempotent.
     */
    public void killPod(PodStatus status, long graceSeconds) {
        // Stop every container, not only those the snapshot saw running: one that was just
        // (re)started may still read CREATED, and RemoveContainer refuses a running one.
        for (ContainerStatus c : status.containers()) {
            cri.stopContainer(c.id(), graceSeconds);
        }
        for (ContainerStatus c : status.containers()) {
            cri.removeContainer(c.id());
        }
        for (SandboxStatus s : status.sandboxes()) {
            cri.stopPodSandbox(s.id());
            cri.removePodSandbox(s.id());
        }
        if (!status.sandboxes().isEmpty()) {
            PodContainerManager.destroy(status.uid());
        }
        // The crash-loop back-off is deliberately kept: syncPod also kills a pod whose sandbox
        // died, and a sandbox that keeps dying must back off like a crashing container does.
    }

    /**
     * Drops what the runtime manager remembers about a pod gone for good (deleted from the API,
     * or an orphan torn down): its crash-loop back-off and last start failures.
     */
    public void forgetPod(String uid) {
        backOff.forget(uid);
        images.forgetPod(uid);
        startFailures.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }

    /** Stops the pod's containers and sandbox but keeps them (a finished pod keeps its status and logs). */
    public void stopPod(PodStatus status, long graceSeconds) {
        for (ContainerStatus c : status.containers()) {
            if (c.running()) {
                cri.stopContainer(c.id(), graceSeconds);
            }
        }
        for (SandboxStatus s : status.sandboxes()) {
            if (s.ready()) {
                cri.stopPodSandbox(s.id());
            }
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

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
