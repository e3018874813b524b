package io.kubej.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubej.controller.KubeControllerManager;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubej-bench deployment-create}: how long a Deployment of N replicas takes to be fully
 * created, beside the API server's raw pod create rate measured in the same run.
 *
 * <p>The measured path: one Deployment create, then the deployment controller's ReplicaSet, the
 * ReplicaSet controller's pod creates (slow-start batches of 1, 2, 4, ...), the benchmark marking
 * each pod Running and Ready through pods/status as its watch sees it appear (where a kubelet
 * would), the ReplicaSet's and the Deployment's status, until the Deployment reports
 * {@code availableReplicas == N}. The floor: N pod creates through the API by the benchmark
 * itself, one after another and with {@code -c} writers, to the same API server. The controller
 * manager runs in this JVM (as the controller manager's integration tests run it) with the hard
 * way's flags: its own kubeconfig, each controller with its own service account's token.
 */
@Command(name = "deployment-create", mixinStandardHelpOptions = true,
        description = "Time for a Deployment of N replicas to be available (pods marked Ready by the bench) vs N raw pod creates.")
public final class DeploymentCreate implements Callable<Integer> {
    @Option(names = "-n", defaultValue = "100", description = "Replicas, and raw pod creates (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "-c", defaultValue = "8", description = "Concurrent writers for the second raw run (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--warmup", defaultValue = "20",
            description = "An unmeasured Deployment of this many replicas and as many raw creates first (default: ${DEFAULT-VALUE}).")
    int warmup;

    /** The goal: the Deployment within 1.5x of the raw create time. */
    static final double GOAL_RATIO = 1.5;

    /**
     * The raw creates (sequential and concurrent), and the Deployment's times from its create
     * until the watch saw the last pod created, and until it reported all replicas available.
     */
    public record Result(int replicas, Latencies rawSequential, Latencies rawConcurrent, Duration allCreated, Duration available,
            double rawServerMillis, double deploymentServerMillis, double deploymentRequests) {
        /** The Deployment's time to available over the time of N sequential raw creates. */
        public double ratio() {
            return available.toNanos() / (double) rawSequential.wallNanos();
        }

        public double ratioConcurrent() {
            return available.toNanos() / (double) rawConcurrent.wallNanos();
        }
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("kubej-bench-deployment-");
        try {
            Result r = measure(dir, n, concurrency, warmup, System.out);
            print(r, System.out);
        } finally {
            Bench.deleteTree(dir);
        }
        return 0;
    }

    /** Starts etcd, kube-apiserver and kube-controller-manager under {@code dir}, measures both paths, stops them. */
    public static Result measure(Path dir, int n, int concurrency, int warmup, PrintStream log) throws Exception {
        System.setProperty("kubej.inProcess", "true"); // a lost lease or failed controller must not exit the benchmark
        log.println("starting etcd (mTLS), kube-apiserver and kube-controller-manager under " + dir);
        try (TestControlPlane cp = TestControlPlane.startHardWay(dir, List.of());
                ControllerManager kcm = new ControllerManager(cp)) {
            KubernetesClient api = cp.client();
            for (String ns : List.of("warmup", "raw", "bench")) {
                api.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            if (warmup > 0) {
                log.printf("warming up: %d raw pod creates and a Deployment of %d%n", warmup, warmup);
                createPods(api, "warmup", "w", warmup, 1);
                deploymentToAvailable(api, "warmup", "warm", warmup);
            }
            log.printf("measuring %d raw pod creates (1 writer, then %d)%n", n, concurrency);
            ServerTimes beforeRaw = ServerTimes.scrape(api, "CREATE", "pods");
            Latencies sequential = createPods(api, "raw", "s", n, 1);
            double rawServer = ServerTimes.scrape(api, "CREATE", "pods").meanMillisSince(beforeRaw);
            Latencies concurrent = createPods(api, "raw", "c", n, concurrency);
            log.printf("measuring a Deployment of %d replicas to available%n", n);
            ServerTimes before = ServerTimes.scrape(api, "CREATE", "pods");
            double requestsBefore = requests(api);
            Duration[] times = deploymentToAvailable(api, "bench", "web", n);
            double requests = requests(api) - requestsBefore;
            double server = ServerTimes.scrape(api, "CREATE", "pods").meanMillisSince(before);
            return new Result(n, sequential, concurrent, times[0], times[1], rawServer, server, requests);
        }
    }

    /**
     * Every request the API server has finished but watches, from its request-duration
     * histogram: during the Deployment's run, the pod creates plus the controllers' Events and
     * status writes and the bench's own status updates.
     */
    private static double requests(KubernetesClient api) {
        double total = 0;
        for (String line : api.raw("/metrics").split("\n")) {
            if (line.startsWith("apiserver_request_duration_seconds_count") && !line.contains("verb=\"WATCH\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** {@code n} pod creates through the API server (pods no controller selects). */
    private static Latencies createPods(KubernetesClient api, String ns, String prefix, int n, int concurrency) throws Exception {
        return Latencies.measure("raw pod create, c=" + concurrency, n, concurrency, i -> api.pods().inNamespace(ns)
                .resource(new PodBuilder().withNewMetadata().withName(prefix + "-" + i).addToLabels("bench", "raw").endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("nginx:1").endContainer().endSpec()
                        .build())
                .create());
    }

    /**
     * Creates a Deployment of {@code replicas}, marks its pods Ready as they appear, and returns
     * the times from the create to the last pod seen and to availableReplicas == replicas.
     */
    private static Duration[] deploymentToAvailable(KubernetesClient api, String ns, String name, int replicas) throws Exception {
        CountDownLatch created = new CountDownLatch(replicas);
        CountDownLatch available = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        long[] createdAt = new long[1];
        try (ExecutorService markers = Executors.newVirtualThreadPerTaskExecutor();
                Watch pods = api.pods().inNamespace(ns).withLabel("app", name).watch(new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        if (action == Action.ADDED && seen.add(pod.getMetadata().getName())) {
                            created.countDown();
                            if (created.getCount() == 0) {
                                createdAt[0] = System.nanoTime();
                            }
                            markers.submit(() -> markReady(api, pod));
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
                Watch deployments = api.apps().deployments().inNamespace(ns).withName(name).watch(new Watcher<Deployment>() {
                    @Override
                    public void eventReceived(Action action, Deployment d) {
                        if (d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
                                && d.getStatus().getAvailableReplicas() == replicas) {
                            available.countDown();
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            long start = System.nanoTime();
            api.apps().deployments().inNamespace(ns).resource(deployment(name, replicas)).create();
            if (!available.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("deployment " + ns + "/" + name + " did not become available: "
                        + seen.size() + " of " + replicas + " pods seen");
            }
            long end = System.nanoTime();
            return new Duration[] {Duration.ofNanos(createdAt[0] - start), Duration.ofNanos(end - start)};
        }
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("nginx:1").endContainer().endSpec()
                    .endTemplate()
                .endSpec().build();
    }

    /** What a kubelet would report for a started container that passes its readiness probe. */
    private static void markReady(KubernetesClient api, Pod pod) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Pod p = pod;
        for (int attempt = 0; attempt < 5 && p != null; attempt++) {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.200.0.9")
                    .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now).build())
                    .build());
            try {
                api.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                p = api.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
            }
        }
    }

    /** kube-controller-manager in this JVM, with the hard way's identity and per-controller service accounts. */
    private static final class ControllerManager implements AutoCloseable {
        private final KubeControllerManager kcm = new KubeControllerManager();

        ControllerManager(TestControlPlane cp) {
            new CommandLine(kcm).parseArgs("--kubeconfig=" + cp.pki().resolve("kube-controller-manager.kubeconfig"),
                    "--use-service-account-credentials", "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0");
            kcm.start();
            Instant deadline = Instant.now().plusSeconds(60);
            while (!kcm.controllersSynced()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("kube-controller-manager's caches did not sync within 60 s");
                }
                sleep(50);
            }
        }

        @Override
        public void close() {
            kcm.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void print(Result r, PrintStream out) {
        out.printf("%ndeployment-create: a Deployment of %d replicas to available (pods marked Ready by the bench) vs %d raw pod creates%n",
                r.replicas(), r.replicas());
        out.printf("  %-44s %10s %10s%n", "", "seconds", "pods/s");
        row(out, r.rawSequential().name() + " (floor)", r.rawSequential().wallNanos() / 1e9, r.replicas());
        row(out, r.rawConcurrent().name(), r.rawConcurrent().wallNanos() / 1e9, r.replicas());
        row(out, "Deployment create -> all pods created", r.allCreated().toNanos() / 1e9, r.replicas());
        row(out, "Deployment create -> availableReplicas=" + r.replicas(), r.available().toNanos() / 1e9, r.replicas());
        out.printf("  API server's own mean time per pod create: raw c=1 %.2f ms, during the Deployment %.2f ms%n",
                r.rawServerMillis(), r.deploymentServerMillis());
        out.printf("  requests the API server served during the Deployment (watches aside): %.0f%n", r.deploymentRequests());
        out.printf("  ratio (Deployment to available / raw creates, c=1): %.2fx; against c=%s: %.2fx%n",
                r.ratio(), r.rawConcurrent().name().replaceAll(".*c=", ""), r.ratioConcurrent());
        out.printf("  goal: within %.1fx of the raw create time (c=1): %s%n", GOAL_RATIO, r.ratio() <= GOAL_RATIO ? "met" : "NOT met");
    }

    private static void row(PrintStream out, String name, double seconds, int n) {
        out.printf("  %-44s %10.2f %10.1f%n", name, seconds, n / seconds);
    }
}
