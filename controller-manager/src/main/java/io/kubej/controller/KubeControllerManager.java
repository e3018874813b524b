package io.kubej.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.kubej.client.Clients;
import io.kubej.client.leaderelection.LeaderElection;
import io.kubej.component.Component;
import io.kubej.component.ComponentRunner;
import io.kubej.component.ComponentServer;
import io.kubej.component.GoDuration;
import io.kubej.component.GoOnlyFlags;
import io.kubej.component.server.DelegatingAuthenticationOptions;
import io.kubej.component.server.DelegatingAuthorizationOptions;
import io.kubej.component.server.SecureServing;
import io.kubej.component.server.SecureServingOptions;
import io.kubej.controller.certificates.CsrApprovingController;
import io.kubej.controller.certificates.CsrSigningController;
import io.kubej.controller.clusterroleaggregation.ClusterRoleAggregationController;
import io.kubej.controller.disruption.DisruptionController;
import io.kubej.controller.endpointslicemirroring.EndpointSliceMirroringController;
import io.kubej.controller.podautoscaler.HorizontalController;
import io.kubej.controller.resourcequota.ResourceQuotaController;
import io.kubej.controller.ttlafterfinished.TtlAfterFinishedController;
import io.kubej.controller.certificates.SigningFlags;
import io.kubej.controller.deployment.DeploymentController;
import io.kubej.controller.endpoints.EndpointsController;
import io.kubej.controller.endpointslice.EndpointSliceController;
import io.kubej.controller.garbagecollector.GarbageCollector;
import io.kubej.controller.namespace.NamespaceController;
import io.kubej.controller.nodeipam.NodeIpamController;
import io.kubej.controller.nodelifecycle.NodeLifecycleController;
import io.kubej.controller.nodelifecycle.TaintEvictionController;
import io.kubej.controller.nodelifecycle.Zones;
import io.kubej.controller.podgc.PodGcController;
import io.kubej.controller.replicaset.ReplicaSetController;
import io.kubej.controller.replicationcontroller.ReplicationManager;
import io.kubej.controller.serviceaccount.ServiceAccountsController;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * kube-controller-manager: runs the built-in control loops (upstream: cmd/kube-controller-manager).
 *
 * <p>Start-up, as upstream: build one client and one shared informer factory (so the pod cache
 * is shared by every controller that reads pods), win the leader election (a Lease
 * {@code kube-system/kube-controller-manager}) when {@code --leader-elect}, then start the
 * informers and each enabled controller with its number of workers. Losing the lease ends the
 * process, as upstream does, so that a restarted process starts from clean caches.
 */
@Command(name = "kube-controller-manager", mixinStandardHelpOptions = true,
        description = "Runs the control loops of kube-controller-manager (see --controllers).")
public final class KubeControllerManager implements Component, Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(KubeControllerManager.class);
    /**
     * Every controller kubej has, in upstream's names, each built from the shared
     * {@link ControllerContext}. This list is the only place a controller is registered:
     * {@code --controllers} and start-up both read it.
     */
    static final List<ControllerDescriptor> DESCRIPTORS = List.of(
            new ControllerDescriptor("replicaset-controller", List.of("replicaset"),
                    ctx -> new ReplicaSetController(ctx.clientFor("replicaset-controller"),
                            ctx.informer(ReplicaSet.class), ctx.informer(Pod.class)),
                    o -> o.concurrentReplicaSetSyncs),
            new ControllerDescriptor("replicationcontroller-controller", List.of("replicationcontroller"),
                    ctx -> ReplicationManager.newController(ctx.clientFor("replication-controller"),
                            ctx.informer(ReplicationController.class), ctx.informer(Pod.class)),
                    o -> o.concurrentRcSyncs),
            new ControllerDescriptor("deployment-controller", List.of("deployment"),
                    ctx -> new DeploymentController(ctx.clientFor("deployment-controller"),
                            ctx.informer(Deployment.class), ctx.informer(ReplicaSet.class), ctx.informer(Pod.class)),
                    o -> o.concurrentDeploymentSyncs),
            new ControllerDescriptor("endpoints-controller", List.of("endpoint"),
                    ctx -> new EndpointsController(ctx.clientFor("endpoint-controller"),
                            ctx.informer(Service.class), ctx.informer(Pod.class), ctx.informer(Endpoints.class)),
                    o -> o.concurrentEndpointSyncs),
            new ControllerDescriptor("endpointslice-controller", List.of("endpointslice"),
                    ctx -> new EndpointSliceController(ctx.clientFor("endpointslice-controller"),
                            ctx.informer(Service.class), ctx.informer(Pod.class), ctx.informer(Node.class),
                            ctx.informer(EndpointSlice.class), ctx.options().maxEndpointsPerSlice),
                    o -> o.concurrentServiceEndpointSyncs),
            new ControllerDescriptor("garbage-collector-controller", List.of("garbagecollector"),
                    ctx -> new GarbageCollector(ctx.clientFor("generic-garbage-collector"), ctx.client(), ctx.options().gcDiscoveryPeriod),
                    o -> o.concurrentGcSyncs),
            new ControllerDescriptor("namespace-controller", List.of("namespace"),
                    ctx -> new NamespaceController(ctx.clientFor("namespace-controller"), ctx.informer(Namespace.class)),
                    o -> o.concurrentNamespaceSyncs),
            new ControllerDescriptor("serviceaccount-controller", List.of("serviceaccount"),
                    ctx -> new ServiceAccountsController(ctx.clientFor("service-account-controller"),
                            ctx.clientFor("root-ca-cert-publisher"), ctx.informer(Namespace.class),
                            ctx.informer(ServiceAccount.class), ctx.informer(ConfigMap.class), ctx.options().rootCa()),
                    o -> 1),
            // as upstream, node IPAM runs only with --allocate-node-cidrs, and as node-controller
            new ControllerDescriptor("node-ipam-controller", List.of("nodeipam"),
                    ctx -> ctx.options().allocateNodeCidrs() ? new NodeIpamController(ctx.clientFor("node-controller"),
                            ctx.informer(Node.class), ctx.options().clusterCidrs(), ctx.options().nodeCidrMaskSizeIpv4(),
                            ctx.options().nodeCidrMaskSizeIpv6()) : null,
                    o -> 1),
            new ControllerDescriptor("node-lifecycle-controller", List.of("nodelifecycle"),
                    ctx -> new NodeLifecycleController(ctx.clientFor("node-controller"), ctx.informer(Node.class),
                            ctx.informer(Lease.class), ctx.informer(Pod.class), GoDuration.parse(ctx.options().nodeMonitorPeriod),
                            GoDuration.parse(ctx.options().nodeMonitorGracePeriod), GoDuration.parse(ctx.options().nodeStartupGracePeriod),
                            ctx.options().evictionRates()),
                    o -> 1),
            // upstream's taint-manager uses node-controller's role too
            new ControllerDescriptor("taint-eviction-controller", List.of(),
                    ctx -> new TaintEvictionController(ctx.clientFor("node-controller"), ctx.informer(Pod.class), ctx.informer(Node.class)),
                    o -> 1),
            new ControllerDescriptor("pod-garbage-collector-controller", List.of("podgc"),
                    ctx -> new PodGcController(ctx.clientFor("pod-garbage-collector"), ctx.informer(Pod.class), ctx.informer(Node.class),
                            ctx.options().terminatedPodGcThreshold, ctx.options().podGcCheckPeriod, ctx.options().podGcQuarantineTime),
                    o -> 1),
            // runs only when a signing CA is given (--cluster-signing-*), as upstream
            new ControllerDescriptor("certificatesigningrequest-signing-controller", List.of("csrsigning", "csrsigning-controller"),
                    ctx -> CsrSigningController.fromFlags(ctx.clientFor("certificate-controller"),
                            ctx.informer(CertificateSigningRequest.class), ctx.options().signingFlags()),
                    o -> 1),
            // approves kubelet client CSRs its SubjectAccessReviews allow; as upstream, acts as certificate-controller
            new ControllerDescriptor("certificatesigningrequest-approving-controller", List.of("csrapproving"),
                    ctx -> new CsrApprovingController(ctx.clientFor("certificate-controller"), ctx.informer(CertificateSigningRequest.class)),
                    o -> 1),
            new ControllerDescriptor("disruption-controller", List.of("disruption"),
                    ctx -> new DisruptionController(ctx.clientFor("disruption-controller"), ctx.informer(PodDisruptionBudget.class),
                            ctx.informer(Pod.class), ctx.informer(ReplicaSet.class), ctx.informer(Deployment.class),
                            ctx.informer(StatefulSet.class), ctx.informer(ReplicationController.class)),
                    o -> 1),
            new ControllerDescriptor("resourcequota-controller", List.of("resourcequota"),
                    ctx -> new ResourceQuotaController(ctx.clientFor("resourcequota-controller"), ctx.informer(ResourceQuota.class),
                            ctx.informer(Pod.class), ctx.informer(Service.class), ctx.informer(ConfigMap.class), ctx.informer(Secret.class),
                            ctx.informer(PersistentVolumeClaim.class), ctx.informer(ReplicationController.class),
                            GoDuration.parse(ctx.options().resourceQuotaSyncPeriod)),
                    o -> o.concurrentResourceQuotaSyncs),
            new ControllerDescriptor("clusterrole-aggregation-controller", List.of("clusterrole-aggregation"),
                    ctx -> new ClusterRoleAggregationController(ctx.clientFor("clusterrole-aggregation-controller"),
                            ctx.informer(ClusterRole.class)),
                    o -> 1),
            new ControllerDescriptor("ttl-after-finished-controller", List.of("ttl-after-finished"),
                    ctx -> new TtlAfterFinishedController(ctx.clientFor("ttl-after-finished-controller"), ctx.informer(Job.class)),
                    o -> o.concurrentTtlAfterFinishedSyncs),
            new ControllerDescriptor("endpointslice-mirroring-controller", List.of("endpointslicemirroring"),
                    ctx -> new EndpointSliceMirroringController(ctx.clientFor("endpointslicemirroring-controller"),
                            ctx.informer(Service.class), ctx.informer(Endpoints.class), ctx.informer(EndpointSlice.class),
                            ctx.options().mirroringMaxEndpointsPerSubset),
                    o -> o.mirroringConcurrentServiceEndpointSyncs),
            // kubej has no metrics source: this only reports, in the HPA's status and Events, why nothing scales
            new ControllerDescriptor("horizontal-pod-autoscaler-controller", List.of("horizontalpodautoscaling"),
                    ctx -> new HorizontalController(ctx.clientFor("horizontal-pod-autoscaler"),
                            ctx.informer(HorizontalPodAutoscaler.class), GoDuration.parse(ctx.options().horizontalPodAutoscalerSyncPeriod)),
                    o -> o.concurrentHorizontalPodAutoscalerSyncs));

    @Mixin
    GoOnlyFlags goFlags = new GoOnlyFlags();

    @Option(names = "--kubeconfig", description = "Path to a kubeconfig with the API server's address and credentials.")
    Path kubeconfig;

    @Option(names = "--leader-elect", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            description = "Run only while holding the kube-system/kube-controller-manager Lease.")
    boolean leaderElect = true;

    @Option(names = "--leader-elect-lease-duration", defaultValue = "15s")
    String leaseDuration = "15s";

    @Option(names = "--leader-elect-renew-deadline", defaultValue = "10s")
    String renewDeadline = "10s";

    @Option(names = "--leader-elect-retry-period", defaultValue = "2s")
    String retryPeriod = "2s";

    @Option(names = "--leader-elect-resource-namespace", defaultValue = "kube-system")
    String leaseNamespace = "kube-system";

    @Option(names = "--leader-elect-resource-name", defaultValue = "kube-controller-manager")
    String leaseName = "kube-controller-manager";

    /** /healthz, /readyz, /livez and /metrics over HTTPS on --bind-address:--secure-port (10257), as upstream. */
    @Mixin
    SecureServingOptions secureServing = new SecureServingOptions("kube-controller-manager", 10257);

    @Mixin
    DelegatingAuthenticationOptions authentication = new DelegatingAuthenticationOptions();

    @Mixin
    DelegatingAuthorizationOptions authorization = new DelegatingAuthorizationOptions();

    @Option(names = "--controllers", split = ",", defaultValue = "*",
            description = "Controllers to run: '*' all, 'foo' enables, '-foo' disables.")
    List<String> controllers = List.of("*");

    @Option(names = "--concurrent-replicaset-syncs", defaultValue = "5")
    int concurrentReplicaSetSyncs = 5;

    @Option(names = "--concurrent-rc-syncs", defaultValue = "5")
    int concurrentRcSyncs = 5;

    @Option(names = "--concurrent-deployment-syncs", defaultValue = "5")
    int concurrentDeploymentSyncs = 5;

    @Option(names = "--concurrent-endpoint-syncs", defaultValue = "5")
    int concurrentEndpointSyncs = 5;

    @Option(names = "--concurrent-service-endpoint-syncs", defaultValue = "5",
            description = "workers of the EndpointSlice controller")
    int concurrentServiceEndpointSyncs = 5;

    @Option(names = "--max-endpoints-per-slice", defaultValue = "100", description = "endpoints in one EndpointSlice at most")
    int maxEndpointsPerSlice = 100;

    @Option(names = "--concurrent-gc-syncs", defaultValue = "20")
    int concurrentGcSyncs = 20;

    @Option(names = "--concurrent-namespace-syncs", defaultValue = "10")
    int concurrentNamespaceSyncs = 10;

    @Option(names = "--use-service-account-credentials", arity = "0..1", fallbackValue = "true",
            description = "each controller acts as its own service account kube-system/<controller>")
    boolean useServiceAccountCredentials;

    @Option(names = "--root-ca-file", description = "the CA bundle published to every namespace as ConfigMap kube-root-ca.crt")
    Path rootCaFile;

    @Option(names = "--allocate-node-cidrs", arity = "0..1", fallbackValue = "true",
            description = "Give every Node a pod CIDR (spec.podCIDR) out of --cluster-cidr.")
    Boolean allocateNodeCidrs;

    @Option(names = "--cluster-cidr", description = "The CIDR (or an IPv4 and an IPv6 CIDR, comma-separated) pods' addresses come from.")
    String clusterCidr;

    @Option(names = "--node-cidr-mask-size", description = "Mask size of each Node's pod CIDR (single-stack; default 24 for IPv4, 64 for IPv6).")
    Integer nodeCidrMaskSize;

    @Option(names = "--node-cidr-mask-size-ipv4", description = "Mask size of each Node's IPv4 pod CIDR (default 24).")
    Integer nodeCidrMaskSizeIpv4;

    @Option(names = "--node-cidr-mask-size-ipv6", description = "Mask size of each Node's IPv6 pod CIDR (default 64).")
    Integer nodeCidrMaskSizeIpv6;

    @Option(names = "--node-monitor-period", defaultValue = "5s", description = "How often each Node's health is checked.")
    String nodeMonitorPeriod = "5s";

    // 50s since Kubernetes 1.32 (40s before): longer than HTTP/2's ping and read-idle timeouts together,
    // so a kubelet on a broken connection reconnects before its node is given up
    @Option(names = "--node-monitor-grace-period", defaultValue = "50s",
            description = "How long a kubelet may go without renewing its Lease or status before its Node becomes Unknown.")
    String nodeMonitorGracePeriod = "50s";

    @Option(names = "--node-startup-grace-period", defaultValue = "1m",
            description = "The same, for a Node whose kubelet never posted Ready.")
    String nodeStartupGracePeriod = "1m";

    @Option(names = "--node-eviction-rate", defaultValue = "0.1", description = "Nodes per second newly tainted NoExecute in a healthy zone.")
    double nodeEvictionRate = 0.1;

    @Option(names = "--secondary-node-eviction-rate", defaultValue = "0.01",
            description = "The same in a zone in partial disruption (0 in zones up to --large-cluster-size-threshold nodes).")
    double secondaryNodeEvictionRate = 0.01;

    @Option(names = "--unhealthy-zone-threshold", defaultValue = "0.55",
            description = "Share of not-Ready nodes (more than 2) that puts a zone in partial disruption.")
    double unhealthyZoneThreshold = 0.55;

    @Option(names = "--large-cluster-size-threshold", defaultValue = "50",
            description = "Zones larger than this keep evicting, at the secondary rate, in partial disruption.")
    int largeClusterSizeThreshold = 50;

    @Option(names = "--terminated-pod-gc-threshold", defaultValue = "12500",
            description = "How many terminated (Succeeded/Failed) pods may exist before PodGC deletes the oldest; <= 0 keeps them all.")
    int terminatedPodGcThreshold = 12500;

    @Option(names = "--cluster-signing-cert-file", description = "The CA certificate (PEM) that signs every built-in signer's CSRs.")
    String clusterSigningCertFile;

    @Option(names = "--cluster-signing-key-file", description = "Its private key (PEM).")
    String clusterSigningKeyFile;

    @Option(names = "--cluster-signing-duration", defaultValue = "8760h", description = "The longest life a signed certificate gets.")
    String clusterSigningDuration = "8760h";

    @Option(names = "--cluster-signing-kubelet-serving-cert-file") String kubeletServingCertFile;
    @Option(names = "--cluster-signing-kubelet-serving-key-file") String kubeletServingKeyFile;
    @Option(names = "--cluster-signing-kubelet-client-cert-file") String kubeletClientCertFile;
    @Option(names = "--cluster-signing-kubelet-client-key-file") String kubeletClientKeyFile;
    @Option(names = "--cluster-signing-kube-apiserver-client-cert-file") String kubeApiserverClientCertFile;
    @Option(names = "--cluster-signing-kube-apiserver-client-key-file") String kubeApiserverClientKeyFile;

    @Option(names = "--concurrent-resource-quota-syncs", defaultValue = "5")
    int concurrentResourceQuotaSyncs = 5;

    @Option(names = "--resource-quota-sync-period", defaultValue = "5m", description = "How often every quota's usage is recounted in full.")
    String resourceQuotaSyncPeriod = "5m";

    @Option(names = "--concurrent-ttl-after-finished-syncs", defaultValue = "5")
    int concurrentTtlAfterFinishedSyncs = 5;

    @Option(names = "--mirroring-concurrent-service-endpoint-syncs", defaultValue = "5",
            description = "workers of the EndpointSlice mirroring controller")
    int mirroringConcurrentServiceEndpointSyncs = 5;

    @Option(names = "--mirroring-max-endpoints-per-subset", defaultValue = "1000",
            description = "addresses of one Endpoints subset mirrored into EndpointSlices at most")
    int mirroringMaxEndpointsPerSubset = 1000;

    @Option(names = "--horizontal-pod-autoscaler-sync-period", defaultValue = "15s", description = "How often each HPA is looked at.")
    String horizontalPodAutoscalerSyncPeriod = "15s";

    @Option(names = "--concurrent-horizontal-pod-autoscaler-syncs", defaultValue = "5")
    int concurrentHorizontalPodAutoscalerSyncs = 5;

    // accepted for the hard way's unit file; not honoured (yet)
    @Option(names = "--cluster-name") String clusterName;
    @Option(names = "--service-account-private-key-file") String serviceAccountPrivateKeyFile;
    @Option(names = "--service-cluster-ip-range") String serviceClusterIpRange;

    private KubernetesClient client;
    private ServiceAccountCredentials serviceAccounts;
    private SharedInformerFactory informers;
    private final List<Controller> running = new ArrayList<>();
    private CompletableFuture<?> election;
    private volatile boolean started;
    /** Set when a controller's caches never synced; /healthz then fails until the process exits. */
    private volatile boolean cacheSyncFailed;
    private volatile boolean closed;
    /** How often the garbage collector reads discovery again to follow new kinds (upstream: 30s, no flag; tests shorten it). */
    Duration gcDiscoveryPeriod = Duration.ofSeconds(30);
    /** How long each controller waits for its caches (upstream waits indefinitely per controller; kubej gives up). */
    Duration cacheSyncTimeout = Duration.ofMinutes(5);
    /** PodGC's pass period and how long a missing node is quarantined (upstream's constants, 20 s and 40 s; no flags). */
    Duration podGcCheckPeriod = Duration.ofSeconds(20);
    Duration podGcQuarantineTime = Duration.ofSeconds(40);

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeControllerManager()).execute(args));
    }

    @Override
    public Integer call() {
        goFlags.apply();
        return ComponentRunner.run(this, this::serve);
    }

    /**
     * Opens the secure port (null with {@code --secure-port=0}): health probes need no
     * credentials, {@code /metrics} needs a user the API server allows {@code get} on it.
     */
    public ComponentServer serve() throws Exception {
        return SecureServing.start(this, secureServing, authentication, authorization);
    }

    @Override
    public String name() {
        return "kube-controller-manager";
    }

    @Override
    public void start() {
        warnNotHonoured();
        if (kubeconfig == null) {
            throw new IllegalArgumentException("--kubeconfig is required");
        }
        client = Clients.fromKubeconfig(kubeconfig, "kube-controller-manager/kubej");
        if (leaderElect) {
            startLeaderElection();
        } else {
            startControllers();
        }
        started = true;
    }

    private void startLeaderElection() {
        election = LeaderElection.start(client, new LeaderElection.Config(leaseNamespace, leaseName,
                        GoDuration.parse(leaseDuration), GoDuration.parse(renewDeadline), GoDuration.parse(retryPeriod)),
                this::startControllers, this::leaderElectionLost);
    }

    private void leaderElectionLost() {
        if (started && client != null) {
            ComponentRunner.exitFatally(name(), "leaderelection lost");
        }
    }

    /** Builds the enabled controllers on one shared informer factory, starts informers, then workers. */
    synchronized void startControllers() {
        log.info("starting controllers: {}", controllers);
        informers = client.informers();
        ControllerContext context = new ControllerContext(informers, client, this::clientFor, this);
        List<Runnable> runs = new ArrayList<>();
        for (ControllerDescriptor d : DESCRIPTORS) {
            if (enabled(d.name())) {
                Controller c = d.constructor().apply(context);
                if (c == null) {
                    log.info("{} is not started: its flags turn it off", d.name());
                    continue;
                }
                running.add(c);
                int workers = d.workers().applyAsInt(this);
                runs.add(() -> run(c, workers, cacheSyncTimeout));
            }
        }
        informers.startAllRegisteredInformers();
        // each controller waits for its own caches before its workers start
        runs.forEach(r -> Thread.ofVirtual().name("start-controller").start(r));
    }

    boolean allocateNodeCidrs() {
        return Boolean.TRUE.equals(allocateNodeCidrs);
    }

    /** --cluster-cidr as a list (dual-stack clusters give an IPv4 and an IPv6 CIDR). */
    List<String> clusterCidrs() {
        if (clusterCidr == null || clusterCidr.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(clusterCidr.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
    }

    /** Upstream's setNodeCIDRMaskSizes: the per-family flag, else --node-cidr-mask-size, else 24 / 64. */
    int nodeCidrMaskSizeIpv4() {
        return nodeCidrMaskSizeIpv4 != null ? nodeCidrMaskSizeIpv4 : nodeCidrMaskSize != null ? nodeCidrMaskSize : 24;
    }

    int nodeCidrMaskSizeIpv6() {
        return nodeCidrMaskSizeIpv6 != null ? nodeCidrMaskSizeIpv6 : nodeCidrMaskSize != null ? nodeCidrMaskSize : 64;
    }

    Zones.Rates evictionRates() {
        return new Zones.Rates(nodeEvictionRate, secondaryNodeEvictionRate,
                unhealthyZoneThreshold, largeClusterSizeThreshold);
    }

    SigningFlags signingFlags() {
        return new SigningFlags(clusterSigningCertFile, clusterSigningKeyFile, GoDuration.parse(clusterSigningDuration),
                kubeletServingCertFile, kubeletServingKeyFile, kubeletClientCertFile, kubeletClientKeyFile,
                kubeApiserverClientCertFile, kubeApiserverClientKeyFile);
    }

    /** --root-ca-file's contents, or null (nothing is published then). */
    String rootCa() {
        if (rootCaFile == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readString(rootCaFile);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--root-ca-file " + rootCaFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The client a controller writes with: its own service account's with
     * {@code --use-service-account-credentials}, else the controller manager's. Informers always
     * use the controller manager's own (upstream does the same: system:kube-controller-manager
     * may list and watch everything).
     */
    private KubernetesClient clientFor(String serviceAccount) {
        if (!useServiceAccountCredentials) {
            return client;
        }
        if (serviceAccounts == null) {
            serviceAccounts = new ServiceAccountCredentials(client);
        }
        return serviceAccounts.clientFor(serviceAccount);
    }

    private void run(Controller c, int workers, Duration timeout) {
        try {
            c.run(workers, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            controllerFailedToStart(c, e);
        }
    }

    /**
     * A controller that cannot start (typically: its caches never synced) leaves the manager
     * unable to do its job. Logging alone would leave /healthz green forever, so, as upstream,
     * report unhealthy and exit non-zero for systemd to restart the process with fresh watches.
     * In-process ({@code -Dkubej.inProcess=true}, tests) the JVM is kept and only /healthz fails.
     */
    private void controllerFailedToStart(Controller c, RuntimeException e) {
        if (closed) {
            return; // stopped while waiting: not a failure
        }
        cacheSyncFailed = true;
        ComponentRunner.exitFatally(name(), c.name() + " failed to start: " + e);
    }

    /** Upstream's --controllers rule: explicit "foo" / "-foo" win, else "*" decides. */
    boolean enabled(String controller) {
        ControllerDescriptor d = descriptor(controller);
        for (String c : controllers) {
            String name = c.trim();
            boolean names = d == null ? name.replaceFirst("^-", "").equals(controller) : d.isNamed(name.replaceFirst("^-", ""));
            if (names) {
                return !name.startsWith("-");
            }
        }
        return controllers.stream().anyMatch(c -> c.trim().equals("*"));
    }

    private static ControllerDescriptor descriptor(String name) {
        return DESCRIPTORS.stream().filter(d -> d.isNamed(name)).findFirst().orElse(null);
    }

    private void warnNotHonoured() {
        GoOnlyFlags.warnIgnored("--cluster-name", clusterName, "only used by cloud controllers");
        GoOnlyFlags.warnIgnored("--service-account-private-key-file", serviceAccountPrivateKeyFile, "it signs legacy token Secrets, which kubej does not make (pods get TokenRequest tokens instead)");
        GoOnlyFlags.warnIgnored("--service-cluster-ip-range", serviceClusterIpRange, "the API server allocates ClusterIPs");
        for (String c : controllers) {
            String name = c.trim().replaceFirst("^-", "");
            if (!name.equals("*") && descriptor(name) == null) {
                log.warn("--controllers: {} is not implemented in kubej and will not run", name);
            }
        }
    }

    @Override
    public boolean isReady() {
        // upstream's /healthz is ok on a standby too; "ready" once started (leader or not),
        // until a controller's caches fail to sync
        return started && !cacheSyncFailed;
    }

    /** Whether every running controller's caches are synced (for tests). */
    public boolean controllersSynced() {
        synchronized (this) {
            return !running.isEmpty() && running.stream().allMatch(Controller::hasSynced);
        }
    }

    @Override
    public void close() {
        started = false;
        closed = true;
        if (election != null) {
            election.cancel(true);
        }
        synchronized (this) {
            running.forEach(Controller::close);
            running.clear();
            if (informers != null) {
                informers.stopAllRegisteredInformers();
            }
        }
        if (serviceAccounts != null) {
            serviceAccounts.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
