package io.kubej.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubej.client.Clients;
import io.kubej.kubelet.cm.PodContainerManager;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.ContainerConfig;
import io.kubej.kubelet.cri.v1.ContainerMetadata;
import io.kubej.kubelet.cri.v1.ImageSpec;
import io.kubej.kubelet.cri.v1.PodSandboxConfig;
import io.kubej.kubelet.kuberuntime.KubeGenericRuntimeManager;
import io.kubej.kubelet.kuberuntime.Labels;
import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.node.Containerd;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long a pod takes from {@code kubectl create} to Running, beside how long the container
 * runtime alone takes to start the same pod.
 *
 * <p>The measured path, through a whole single-node cluster ({@code kubej up}): the API create
 * of a pod without a node, the scheduler's bind, the kubelet's watch, its CRI calls, and its
 * status update, until a watch sees {@code status.phase=Running}. The floor: the CRI calls the
 * kubelet makes for such a pod, made directly with the kubelet's own CRI client against the same
 * containerd: RunPodSandbox, PodSandboxStatus (for the IP), CreateContainer, StartContainer,
 * with the image already pulled. The gap is what the control plane and the kubelet add.
 */
@Command(name = "pod-start", mixinStandardHelpOptions = true,
        description = "Pod create -> Running through a whole kubej cluster vs bare CRI calls to its containerd (floor).")
public final class PodStart implements Callable<Integer> {
    /** The image of every measured pod: sshsrv (dropbear), the walking skeleton's image. */
    static final String IMAGE = "docker.io/library/sshsrv:v1";

    @Option(names = "-n", defaultValue = "10", description = "Pods per path, started one after another (default: ${DEFAULT-VALUE}).")
    int pods;

    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured pods per path first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--dir", defaultValue = "/tmp/kubej-bench-cluster",
            description = "State directory of the cluster this benchmark brings up and removes (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--cri-only",
            description = "Only the floor, on a private containerd and registry (free ports; no cluster, runs beside one).")
    boolean criOnly;

    @Override
    public Integer call() throws Exception {
        if (criOnly) {
            Path scratch = Files.createTempDirectory("kubej-bench-cri-");
            try {
                Latencies floor = measureCriFloorOnPrivateNode(scratch, pods, warmup, System.out);
                System.out.printf("%npod-start (--cri-only): bare CRI calls on a private containerd%n");
                System.out.printf("  %-34s %10.1f %10.2f %10.2f%n", floor.name() + " (n=" + floor.count() + ")",
                        floor.opsPerSecond(), floor.p50(), floor.p99());
            } finally {
                Bench.deleteTree(scratch);
            }
            return 0;
        }
        ClusterConfig config = ClusterConfig.defaults(dir.toAbsolutePath().normalize());
        String other = anotherClusterRunning(config);
        if (other != null) {
            System.err.println("pod-start brings up its own cluster with kubej up's fixed ports, but another kubej cluster"
                    + " seems to run on this machine (" + other + ").\nStop it first (bin/kubej down [--dir DIR]),"
                    + " or measure only the floor with --cri-only.");
            return 1;
        }
        try {
            kubej("up", "--dir", config.dir().toString());
            Path floorLogs = Files.createTempDirectory("kubej-bench-cri-logs-");
            Latencies floor;
            try (RemoteRuntimeService cri = new RemoteRuntimeService("unix://" + config.containerdSocket(), Duration.ofMinutes(2))) {
                floor = measureCriFloor(cri, pods, warmup, floorLogs, System.out);
            } finally {
                Bench.deleteTree(floorLogs);
            }
            ThroughTheCluster cluster = measureThroughTheCluster(config.adminKubeconfig(), pods, warmup, System.out);
            System.out.printf("%npod-start: pods created one after another, image present; creation -> Running observed by a watch%n");
            Latencies.printTable(System.out, floor, cluster.running());
            System.out.printf("  of which create -> bound (API + scheduler):  p50 %.2f ms, p99 %.2f ms%n",
                    cluster.bound().p50(), cluster.bound().p99());
        } finally {
            kubej("down", "--dir", config.dir().toString());
        }
        return 0;
    }

    /**
     * What tells that another kubej cluster (or anything on its fixed ports) runs here: etcd's,
     * the API server's or the registry's port answers, or the node's interface exists.
     */
    static String anotherClusterRunning(ClusterConfig c) {
        for (int port : List.of(c.apiServerPort(), c.etcdClientPort(), c.registryPort())) {
            if (Ports.listening("127.0.0.1", port)) {
                return "127.0.0.1:" + port + " answers";
            }
        }
        for (String link : List.of(c.nodeInterface(), c.bridge())) {
            if (HostCommands.run("ip", "link", "show", link).ok()) {
                return "interface " + link + " exists";
            }
        }
        return null;
    }

    private static void kubej(String... args) {
        List<String> cmd = new ArrayList<>(List.of(KubejHome.launcher("kubej").toString()));
        cmd.addAll(List.of(args));
        System.out.println("$ kubej " + String.join(" ", args));
        HostCommands.Result r = HostCommands.run(cmd, Duration.ofMinutes(5));
        System.out.println(r.output().strip());
        if (!r.ok()) {
            throw new IllegalStateException("kubej " + String.join(" ", args) + " failed (" + r.exitCode() + ")");
        }
    }

    // ---- the floor: bare CRI calls ----

    /**
     * The floor on a node of its own: a registry and containerd on free ports and fresh bridge
     * names (Containerd.Spec.unique), so it runs beside any cluster and in parallel tests.
     */
    public static Latencies measureCriFloorOnPrivateNode(Path dir, int pods, int warmup, PrintStream log) throws Exception {
        try (Registry registry = Registry.start(dir.resolve("registry"), Ports.free())) {
            Images.inDefaultCache().pushAll(registry);
            Containerd containerd = Containerd.start(Containerd.Spec.unique(dir.resolve("containerd"), registry.port()));
            try (RemoteRuntimeService cri = new RemoteRuntimeService(containerd.endpoint(), Duration.ofMinutes(2))) {
                ManagedProcess.await("CRI runtime and network ready", Duration.ofSeconds(30), cri::isReady);
                return measureCriFloor(cri, pods, warmup, dir.resolve("pod-logs"), log);
            } finally {
                containerd.stop(true);
            }
        }
    }

    /**
     * Starts {@code pods} pods one after another with the CRI calls the kubelet makes, timing
     * each from RunPodSandbox to StartContainer's return, then removes them all.
     *
     * <p>The sandbox config is the kubelet's own ({@link KubeGenericRuntimeManager#sandboxConfig})
     * without the label that marks what a kubelet manages: on a cluster's containerd the running
     * kubelet would otherwise remove these sandboxes as orphans.
     */
    public static Latencies measureCriFloor(RemoteRuntimeService cri, int pods, int warmup, Path logsDir, PrintStream log)
            throws Exception {
        var manager = new KubeGenericRuntimeManager(cri, new KubeGenericRuntimeManager.NodeSettings(
                List.of("10.32.0.10"), "cluster.local", Path.of("/etc/resolv.conf"), logsDir.toString()),
                (pod, type, reason, message) -> { });
        // pod uid -> sandbox id, for cleanup: RemovePodSandbox removes the sandbox's containers too
        Map<String, String> started = new ConcurrentHashMap<>();
        try {
            String imageRef = cri.pullImage(IMAGE, PodSandboxConfig.getDefaultInstance());
            // configs are made before the clock starts: only the CRI calls are timed
            List<PodSandboxConfig> sandboxes = new ArrayList<>();
            for (int i = 0; i < warmup + pods; i++) {
                Pod pod = benchPod("cri-floor-" + i, "kubej-bench-cri", UUID.randomUUID().toString());
                PodSandboxConfig sandbox = manager.sandboxConfigs().sandboxConfig(pod, 0).toBuilder().removeLabels(Labels.MANAGED).build();
                Files.createDirectories(Path.of(sandbox.getLogDirectory()));
                sandboxes.add(sandbox);
            }
            log.printf("floor: %d warm-up + %d pods through bare CRI calls%n", warmup, pods);
            Latencies.Operation startPod = i -> {
                PodSandboxConfig sandbox = sandboxes.get(i);
                String sandboxId = cri.runPodSandbox(sandbox);
                started.put(sandbox.getMetadata().getUid(), sandboxId);
                cri.podSandboxStatus(sandboxId); // the kubelet reads the pod IP here
                String containerId = cri.createContainer(sandboxId, containerConfig(imageRef), sandbox);
                cri.startContainer(containerId);
            };
            Latencies.measure("warm-up", warmup, 1, startPod);
            return Latencies.measure("bare CRI", pods, 1, i -> startPod.run(warmup + i));
        } finally {
            started.forEach((uid, sandboxId) -> {
                cri.stopPodSandbox(sandboxId); // stops its containers and runs CNI DEL
                cri.removePodSandbox(sandboxId);
                PodContainerManager.destroy(uid);
            });
        }
    }

    /** CreateContainer's config as the kubelet makes it for the pod's one container (image, log path). */
    private static ContainerConfig containerConfig(String imageRef) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("sshsrv").setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage(imageRef))
                .setLogPath("sshsrv/0.log")
                .build();
    }

    private static Pod benchPod(String name, String namespace, String uid) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withUid(uid)
                .addToLabels("app", "kubej-bench").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("sshsrv").withImage(IMAGE).addNewPort().withContainerPort(22).endPort().endContainer()
                .endSpec().build();
    }

    // ---- the measured path: the whole cluster ----

    /** Per pod: create -> Running (the measured number) and create -> bound to the node (the scheduler's part). */
    public record ThroughTheCluster(Latencies running, Latencies bound) {
    }

    /**
     * Creates {@code pods} pods (no nodeName) one after another and waits for each to be seen
     * Running by a watch; a second map notes when the watch first saw it bound.
     */
    public static ThroughTheCluster measureThroughTheCluster(Path kubeconfig, int pods, int warmup, PrintStream log)
            throws Exception {
        Map<String, Long> boundAt = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<Long>> runningAt = new ConcurrentHashMap<>();
        long[] createdAt = new long[pods];
        try (KubernetesClient client = Clients.fromKubeconfig(kubeconfig, "kubej-bench");
                Watch watch = client.pods().inNamespace("default").withLabel("app", "kubej-bench").watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        long now = System.nanoTime();
                        String name = pod.getMetadata().getName();
                        if (pod.getSpec().getNodeName() != null) {
                            boundAt.putIfAbsent(name, now);
                        }
                        if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                            runningAt.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(now);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        runningAt.values().forEach(f -> f.completeExceptionally(cause));
                    }
                })) {
            log.printf("cluster: %d warm-up + %d pods through the API, scheduler and kubelet%n", warmup, pods);
            Latencies.measure("warm-up", warmup, 1, i -> createAndAwaitRunning(client, "warmup-" + i, runningAt));
            Latencies running = Latencies.measure("API -> Running", pods, 1, i -> {
                createdAt[i] = System.nanoTime();
                createAndAwaitRunning(client, "pod-" + i, runningAt);
            });
            long[] bound = new long[pods];
            for (int i = 0; i < pods; i++) {
                bound[i] = boundAt.get("pod-" + i) - createdAt[i];
            }
            return new ThroughTheCluster(running, new Latencies("API -> bound", bound, running.wallNanos()));
        }
    }

    private static void createAndAwaitRunning(KubernetesClient client, String name,
            Map<String, CompletableFuture<Long>> runningAt) throws Exception {
        CompletableFuture<Long> running = runningAt.computeIfAbsent(name, n -> new CompletableFuture<>());
        client.pods().inNamespace("default").resource(benchPod(name, "default", null)).create();
        running.get(120, TimeUnit.SECONDS);
    }
}
