package io.kubej.client.leaderelection;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubej.component.Hostname;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io Lease, as kube-scheduler and
 * kube-controller-manager run it with {@code --leader-elect=true}: only the holder of the
 * Lease works; the others wait to take over when it stops renewing.
 *
 * <p>Leader election does not fence: a leader that stalls past the lease duration may still act
 * for a moment while another one has taken over. Upstream's answer, kept by the components, is to
 * exit as soon as the lease is lost ({@link io.kubej.component.ComponentRunner#exitFatally}).
 */
public final class LeaderElection {
    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    /** Upstream's LeaderElectionConfiguration: the Lease and its timing (defaults 15 s / 10 s / 2 s). */
    public record Config(String namespace, String name, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {
    }

    private LeaderElection() {
    }

    /**
     * Starts competing for the Lease; {@code onStartedLeading} runs once this process holds it,
     * {@code onStoppedLeading} when it loses it or the election is cancelled. The returned future
     * completes when the election ends; cancelling it releases the Lease.
     */
    public static CompletableFuture<?> start(KubernetesClient client, Config config, Runnable onStartedLeading,
            Runnable onStoppedLeading) {
        String identity = Hostname.get() + "_" + UUID.randomUUID();
        CompletableFuture<?> election = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(config.name())
                        .withLock(new LeaseLock(config.namespace(), config.name(), identity))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(onStartedLeading, onStoppedLeading,
                                leader -> log.info("new leader elected: {}", leader)))
                        .build())
                .build()
                .start();
        log.info("attempting to acquire leader lease {}/{} as {}", config.namespace(), config.name(), identity);
        return election;
    }

}
