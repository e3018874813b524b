package io.kubej.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.client.Clients;
import io.kubej.client.record.EventRecorder;
import io.kubej.component.Component;
import io.kubej.component.ComponentRunner;
import io.kubej.component.ConfigFiles;
import io.kubej.component.GoOnlyFlags;
import io.kubej.component.Hostname;
import io.kubej.kubelet.config.KubeletConfiguration;
import io.kubej.kubelet.configmap.ConfigMapManager;
import io.kubej.kubelet.envvars.ContainerEnv;
import io.kubej.kubelet.secret.SecretManager;
import io.kubej.kubelet.token.TokenManager;
import io.kubej.kubelet.volume.ConfigMapPlugin;
import io.kubej.kubelet.volume.DownwardApiPlugin;
import io.kubej.kubelet.volume.EmptyDirPlugin;
import io.kubej.kubelet.volume.HostPathPlugin;
import io.kubej.kubelet.volume.ProjectedPlugin;
import io.kubej.kubelet.volume.SecretPlugin;
import io.kubej.kubelet.volumemanager.VolumeManager;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.function.Supplier;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.cri.v1.VersionResponse;
import io.kubej.kubelet.kuberuntime.KubeGenericRuntimeManager;
import io.kubej.kubelet.nodelease.NodeLeaseController;
import io.kubej.kubelet.nodestatus.NodeStatusSetters;
import io.kubej.kubelet.pleg.GenericPleg;
import io.kubej.kubelet.pleg.PodCache;
import io.kubej.kubelet.pod.Housekeeping;
import io.kubej.kubelet.pod.PodWorkers;
import io.kubej.kubelet.status.StatusManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The kubelet: the node agent that makes the pods bound to its node run (upstream
 * cmd/kubelet + pkg/kubelet/kubelet.go).
 *
 * <p>At start it talks to the container runtime (CRI Version, Status), registers its Node,
 * and then keeps these loops going: the Node status (every nodeStatusUpdateFrequency), the
 * node Lease (every 10 s), the PLEG relist and housekeeping (every second), and the
 * pod workers, fed by an informer on the pods with {@code spec.nodeName=<this node>}, by the
 * PLEG and by the periodic resync (syncFrequency). kubelet/README.md follows one pod through.
 */
@Command(name = "kubelet", mixinStandardHelpOptions = true, version = NodeStatusSetters.KUBELET_VERSION,
        description = "kubej's kubelet: runs the pods bound to this node through CRI.")
public final class Kubelet implements Component, Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Kubelet.class);
    /** upstream plegRelistPeriod; housekeeping runs right after each relist. */
    static final java.time.Duration PLEG_RELIST_PERIOD = java.time.Duration.ofSeconds(1);

    @Mixin
    GoOnlyFlags goFlags = new GoOnlyFlags();

    @Option(names = "--config", description = "KubeletConfiguration file.")
    Path config;

    @Option(names = "--kubeconfig", required = true, description = "kubeconfig to reach the API server.")
    Path kubeconfig;

    @Option(names = "--container-runtime-endpoint", defaultValue = "unix:///run/containerd/containerd.sock",
            description = "The CRI socket (default ${DEFAULT-VALUE}).")
    String containerRuntimeEndpoint;

    @Option(names = "--register-node", arity = "0..1", defaultValue = "true", fallbackValue = "true")
    boolean registerNode;

    @Option(names = "--hostname-override", description = "Node name instead of the hostname.")
    String hostnameOverride;

    @Option(names = "--root-dir", defaultValue = "/var/lib/kubelet",
            description = "The kubelet's own files: pods/<uid>/volumes, pods/<uid>/etc-hosts (default ${DEFAULT-VALUE}).")
    Path rootDir;

    @Option(names = "--node-ip", description = "The node's InternalIP address.")
    String nodeIp;

    @Option(names = "--container-runtime", hidden = true)
    String containerRuntime;

    @Option(names = "--image-pull-progress-deadline", hidden = true)
    String imagePullProgressDeadline;

    @Option(names = "--network-plugin", hidden = true)
    String networkPlugin;

    private KubeletConfiguration cfg;
    private String nodeName;
    private RemoteRuntimeService cri;
    private KubernetesClient client;
    private SharedIndexInformer<Pod> podInformer;
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> serviceInformer;
    private PodWorkers podWorkers;
    private GenericPleg pleg;
    private Housekeeping housekeeping;
    private EventRecorder events;
    private ScheduledExecutorService loops;
    private NodeLeaseController lease;
    private volatile boolean registered;
    private volatile boolean runtimeReady;
    private String runtimeVersion;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Kubelet()).execute(args));
    }

    @Override
    public Integer call() {
        goFlags.apply();
        GoOnlyFlags.warnIgnored("--container-runtime", containerRuntime, "the kubelet always uses a remote CRI runtime");
        GoOnlyFlags.warnIgnored("--image-pull-progress-deadline", imagePullProgressDeadline, "pulls are bounded by runtimeRequestTimeout");
        GoOnlyFlags.warnIgnored("--network-plugin", networkPlugin, "the runtime (containerd) runs CNI");
        cfg = config == null ? new KubeletConfiguration() : ConfigFiles.read(config, KubeletConfiguration.class);
        return ComponentRunner.run(this, cfg.healthzBindAddress, cfg.healthzPort);
    }

    @Override
    public String name() {
        return "kubelet";
    }

    @Override
    public void start() throws Exception {
        if (cfg == null) {
            cfg = config == null ? new KubeletConfiguration() : ConfigFiles.read(config, KubeletConfiguration.class);
        }
        warnNotHonoured();
        nodeName = Hostname.nodeName(hostnameOverride);
        if (nodeIp == null) {
            nodeIp = InetAddress.getLocalHost().getHostAddress();
        }

        // 1. the container runtime: Version, then Status (the node is Ready once the runtime is)
        cri = new RemoteRuntimeService(containerRuntimeEndpoint, KubeletConfiguration.goDuration(cfg.runtimeRequestTimeout));
        VersionResponse v = cri.version();
        runtimeVersion = v.getRuntimeName() + "://" + v.getRuntimeVersion();
        log.info("container runtime {} (CRI {}) at {}", runtimeVersion, v.getRuntimeApiVersion(), containerRuntimeEndpoint);
        runtimeReady = cri.isReady();

        // 2. the API: register the Node, then keep its status and Lease fresh
        client = Clients.fromKubeconfig(kubeconfig, "kubelet/" + NodeStatusSetters.KUBELET_VERSION + " (linux/amd64) kubernetes/kubej");
        events = new EventRecorder(client, "kubelet", nodeName);
        loops = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "kubelet-loops");
            t.setDaemon(true);
            return t;
        });
        // the status loop reads the Node anyway and passes it on, so the lease loop need not
        lease = new NodeLeaseController(client, nodeName, cfg.nodeLeaseDurationSeconds);
        long statusEvery = KubeletConfiguration.goDuration(cfg.nodeStatusUpdateFrequency).toMillis();
        loops.scheduleWithFixedDelay(this::syncNodeStatus, 0, statusEvery, TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(this::renewLease, 0, 10, TimeUnit.SECONDS);

        // 3. the pods bound to this node: informer -> pod workers <- PLEG; housekeeping for the rest
        serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
        ConfigMapManager configMaps = ConfigMapManager.fromApi(client);
        SecretManager secrets = SecretManager.fromApi(client);
        TokenManager tokens = TokenManager.fromApi(client);
        Supplier<Map<String, Quantity>> allocatable = () -> NodeStatusSetters.capacity(cfg.maxPods);
        VolumeManager volumeManager = new VolumeManager(rootDir, List.of(new EmptyDirPlugin(), new HostPathPlugin(),
                new ConfigMapPlugin(configMaps), new SecretPlugin(secrets), new DownwardApiPlugin(allocatable),
                new ProjectedPlugin(configMaps, secrets, tokens, allocatable)));
        ContainerEnv containerEnv = new ContainerEnv(configMaps, secrets,
                () -> serviceInformer.hasSynced() ? serviceInformer.getStore().list() : null, allocatable, events::event);
        KubeGenericRuntimeManager runtime = new KubeGenericRuntimeManager(cri, new KubeGenericRuntimeManager.NodeSettings(
                cfg.clusterDNS, cfg.clusterDomain, Path.of(cfg.resolvConf), cfg.podLogsDir), events::event,
                new ContainerRuntimeOptions(containerEnv, volumeManager, () -> nodeIp, cfg.clusterDomain));
        podInformer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
        PodCache podCache = new PodCache();
        podWorkers = new PodWorkers(client, podInformer.getStore(), runtime, new StatusManager(client), podCache,
                volumeManager, events::event, uid -> {
                    tokens.deleteServiceAccountTokens(uid);
                    volumeManager.cleanupPod(uid);
                }, () -> nodeIp);
        pleg = new GenericPleg(runtime::getPods, podCache, changed -> podWorkers.enqueue(changed.key()));
        housekeeping = new Housekeeping(podInformer.getStore(), pleg, runtime, podCache, volumeManager,
                List.of(tokens::deleteServiceAccountTokens));
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podWorkers.enqueue(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                podWorkers.enqueue(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                podWorkers.enqueue(pod);
            }
        });
        // the services, for the containers' service environment variables (upstream's service lister)
        serviceInformer.start();
        podInformer.start();
        podWorkers.start(4);
        loops.scheduleWithFixedDelay(() -> {
            if (podInformer.hasSynced()) {
                pleg.relist();
                housekeeping.cleanupOrphanedPods();
            }
        }, 0, PLEG_RELIST_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        long resyncEvery = KubeletConfiguration.goDuration(cfg.syncFrequency).toMillis();
        loops.scheduleWithFixedDelay(() -> {
            if (podInformer.hasSynced()) {
                podWorkers.resyncAll();
            }
        }, resyncEvery, resyncEvery, TimeUnit.MILLISECONDS);
        log.info("kubelet for node {} started", nodeName);
    }

    private void warnNotHonoured() {
        GoOnlyFlags.warnIgnored("authentication", cfg.authentication, "the kubelet API on :10250 is not served yet");
        GoOnlyFlags.warnIgnored("authorization", cfg.authorization, "the kubelet API on :10250 is not served yet");
        GoOnlyFlags.warnIgnored("tlsCertFile", cfg.tlsCertFile, "the kubelet API on :10250 is not served yet");
    }

    /** Registers the Node once (upstream registerWithAPIServer), then updates its status. */
    private void syncNodeStatus() {
        try {
            runtimeReady = cri.isReady();
            NodeStatusSetters.NodeFacts facts = new NodeStatusSetters.NodeFacts(nodeName, nodeIp, cfg.podCIDR, cfg.maxPods, runtimeVersion);
            Node existing = client.nodes().withName(nodeName).get();
            if (existing == null) {
                if (!registerNode) {
                    log.warn("node {} does not exist and --register-node=false", nodeName);
                    return;
                }
                Node created = client.nodes().resource(NodeStatusSetters.initialNode(facts, runtimeReady)).create();
                log.info("registered node {}", nodeName);
                existing = created;
            }
            lease.nodeObserved(existing);
            Node updated = new NodeBuilder(existing)
                    .withStatus(NodeStatusSetters.status(facts, runtimeReady, existing.getStatus())).build();
            client.nodes().resource(updated).updateStatus();
            registered = true;
        } catch (KubernetesClientException e) {
            log.warn("node status update failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("node status update failed: {}", e.toString());
        }
    }

    private void renewLease() {
        try {
            lease.renew();
        } catch (RuntimeException e) {
            log.warn("lease renewal failed: {}", e.toString());
        }
    }

    @Override
    public boolean isReady() {
        return registered && runtimeReady && podInformer != null && podInformer.hasSynced();
    }

    /** Stops the loops; pods keep running (a restarted kubelet adopts them, as upstream). */
    @Override
    public void close() {
        if (loops != null) {
            loops.shutdownNow();
        }
        if (podInformer != null) {
            podInformer.stop();
        }
        if (serviceInformer != null) {
            serviceInformer.stop();
        }
        if (podWorkers != null) {
            podWorkers.stop();
        }
        if (events != null) {
            events.close();
        }
        if (client != null) {
            client.close();
        }
        if (cri != null) {
            cri.close();
        }
    }

    /** For tests: the node name in use. */
    public String nodeName() {
        return nodeName;
    }
}
