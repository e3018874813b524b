package io.kubej.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.kubej.client.Clients;
import io.kubej.client.leaderelection.LeaderElection;
import io.kubej.component.Component;
import io.kubej.component.ComponentRunner;
import io.kubej.component.ComponentServer;
import io.kubej.component.ConfigFiles;
import io.kubej.component.GoDuration;
import io.kubej.component.GoOnlyFlags;
import io.kubej.component.server.DelegatingAuthenticationOptions;
import io.kubej.component.server.DelegatingAuthorizationOptions;
import io.kubej.component.server.SecureServing;
import io.kubej.component.server.SecureServingOptions;
import io.kubej.scheduler.framework.Framework;
import io.kubej.scheduler.framework.plugins.defaultbinder.DefaultBinder;
import io.kubej.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.kubej.scheduler.framework.plugins.noderesources.Fit;
import io.kubej.scheduler.framework.plugins.nodeunschedulable.NodeUnschedulable;
import io.kubej.scheduler.framework.plugins.tainttoleration.TaintToleration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
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
 * kube-scheduler: assigns each pending pod to a node (upstream: cmd/kube-scheduler).
 *
 * <p>Start-up: read KubeSchedulerConfiguration ({@code --config}; the deprecated flags
 * {@code --kubeconfig} and {@code --leader-elect} apply only without it, as upstream), build the
 * default profile's plugins (NodeUnschedulable, NodeAffinity, TaintToleration, NodeResourcesFit,
 * DefaultBinder; upstream's default profile has more), win the
 * {@code kube-system/kube-scheduler} Lease when leader election is on, then run the
 * {@link Scheduler}. Losing the lease ends the process, as upstream.
 */
@Command(name = "kube-scheduler", mixinStandardHelpOptions = true, description = "Assigns pending pods to nodes.")
public final class KubeScheduler implements Component, Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(KubeScheduler.class);
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    @Mixin
    GoOnlyFlags goFlags = new GoOnlyFlags();

    @Option(names = "--config", description = "KubeSchedulerConfiguration file.")
    Path config;

    @Option(names = "--kubeconfig", description = "Deprecated: clientConnection.kubeconfig in --config.")
    Path kubeconfig;

    @Option(names = "--leader-elect", arity = "0..1", fallbackValue = "true",
            description = "Deprecated: leaderElection.leaderElect in --config (default true).")
    Boolean leaderElectFlag;

    /** /healthz, /readyz, /livez and /metrics over HTTPS on --bind-address:--secure-port (10259), as upstream. */
    @Mixin
    SecureServingOptions secureServing = new SecureServingOptions("kube-scheduler", 10259);

    /** As upstream, the scheduler starts even when the lookup of the API server's client CAs fails. */
    @Mixin
    DelegatingAuthenticationOptions authentication = DelegatingAuthenticationOptions.toleratingLookupFailure();

    @Mixin
    DelegatingAuthorizationOptions authorization = new DelegatingAuthorizationOptions();

    private KubernetesClient client;
    private SharedInformerFactory informers;
    private Scheduler scheduler;
    private CompletableFuture<?> election;
    private volatile boolean started;
    /** Set when the scheduler could not start (its caches never synced); /healthz then fails. */
    private volatile boolean failed;
    private volatile boolean closed;
    /** How long to wait for the pod and node caches before giving up and exiting. */
    Duration cacheSyncTimeout = Duration.ofMinutes(5);

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeScheduler()).execute(args));
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
        return "kube-scheduler";
    }

    @Override
    public void start() {
        SchedulerConfiguration cfg = config == null ? new SchedulerConfiguration() : ConfigFiles.read(config, SchedulerConfiguration.class);
        Path kc = cfg.clientConnection != null && cfg.clientConnection.kubeconfig != null && !cfg.clientConnection.kubeconfig.isEmpty()
                ? Path.of(cfg.clientConnection.kubeconfig) : kubeconfig;
        if (config != null && kubeconfig != null) {
            log.warn("--kubeconfig is ignored because --config is given (as upstream)");
            if (kc == null) {
                kc = kubeconfig;
            }
        }
        if (kc == null) {
            throw new IllegalArgumentException("no kubeconfig: set clientConnection.kubeconfig in --config, or --kubeconfig");
        }
        var le = cfg.leaderElection == null ? new SchedulerConfiguration.LeaderElection() : cfg.leaderElection;
        boolean leaderElect = config != null
                ? (le.leaderElect == null || le.leaderElect)
                : (leaderElectFlag == null || leaderElectFlag);
        Set<String> names = new LinkedHashSet<>();
        if (cfg.profiles != null) {
            cfg.profiles.stream().map(p -> p.schedulerName == null ? DEFAULT_SCHEDULER_NAME : p.schedulerName).forEach(names::add);
        }
        if (names.isEmpty()) {
            names.add(DEFAULT_SCHEDULER_NAME);
        }

        client = Clients.fromKubeconfig(kc, "kube-scheduler/kubej");
        informers = client.informers();
        SharedIndexInformer<Pod> pods = informers.sharedIndexInformerFor(Pod.class, 0);
        SharedIndexInformer<Node> nodes = informers.sharedIndexInformerFor(Node.class, 0);
        Framework framework = new Framework(DEFAULT_SCHEDULER_NAME,
                List.of(new NodeUnschedulable(), new NodeAffinity(), new TaintToleration(), new Fit(), new DefaultBinder(client)));
        scheduler = new Scheduler(client, framework, names, pods, nodes);

        if (leaderElect) {
            String ns = le.resourceNamespace == null ? "kube-system" : le.resourceNamespace;
            String leaseName = le.resourceName == null ? "kube-scheduler" : le.resourceName;
            election = LeaderElection.start(client, new LeaderElection.Config(ns, leaseName,
                            GoDuration.parse(le.leaseDuration, Duration.ofSeconds(15)),
                            GoDuration.parse(le.renewDeadline, Duration.ofSeconds(10)),
                            GoDuration.parse(le.retryPeriod, Duration.ofSeconds(2))),
                    this::startScheduling, this::leaderElectionLost);
        } else {
            startScheduling();
        }
        started = true;
    }

    private void startScheduling() {
        informers.startAllRegisteredInformers();
        Thread.ofVirtual().name("scheduler-start").start(() -> {
            try {
                scheduler.run(cacheSyncTimeout);
                log.info("scheduler is running");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                schedulingFailedToStart(e);
            }
        });
    }

    /**
     * Caches that never sync leave a scheduler that looks alive but never schedules. Logging
     * alone would keep /healthz green, so, as upstream, report unhealthy and exit non-zero for
     * systemd to restart the process. In-process ({@code -Dkubej.inProcess=true}, tests) the JVM
     * is kept and only /healthz fails.
     */
    private void schedulingFailedToStart(RuntimeException e) {
        if (closed) {
            return; // stopped while waiting: not a failure
        }
        failed = true;
        ComponentRunner.exitFatally(name(), "scheduler failed to start: " + e);
    }

    private void leaderElectionLost() {
        if (started) {
            ComponentRunner.exitFatally(name(), "leaderelection lost");
        }
    }

    @Override
    public boolean isReady() {
        return started && !failed;
    }

    /** True once this instance is the leader and its scheduling loop runs (for tests). */
    public boolean isScheduling() {
        return scheduler != null && scheduler.isRunning();
    }

    @Override
    public void close() {
        started = false;
        closed = true;
        if (election != null) {
            election.cancel(true);
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (informers != null) {
            informers.stopAllRegisteredInformers();
        }
        if (client != null) {
            client.close();
        }
    }
}
