package io.kubej.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader election handover between two real kube-controller-manager processes (the
 * {@code bin/kube-controller-manager} jar, as the hard way runs it, both with
 * {@code --leader-elect} and short lease timings) on the real API server and etcd. The leader is
 * killed with SIGKILL in the middle of a Deployment's scale-up to 50: the standby takes the Lease
 * once it expires, and its controllers, starting from fresh caches, finish the job with exactly
 * 50 pods. Nothing fences the old leader (upstream's leader election does not); the handover is
 * safe because the lease duration outlasts the dead leader's in-flight writes and the new
 * leader recomputes from what the API server holds.
 */
class ControllerManagerLeaderElectionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern IDENTITY = Pattern.compile("attempting to acquire leader lease kube-system/kube-controller-manager as (\\S+)");

    @TempDir
    static Path dir;
    static TestControlPlane cp;
    static KubernetesClient client;
    static final List<ManagedProcess> managers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.startHardWay(dir, List.of());
        client = cp.client();
        for (String name : List.of("a", "b")) {
            managers.add(startControllerManager(name));
        }
    }

    @AfterAll
    static void stop() {
        managers.forEach(ManagedProcess::close);
        if (cp != null) {
            cp.close();
        }
    }

    private static ManagedProcess startControllerManager(String name) throws IOException {
        Path jar = KubejHome.root().resolve("controller-manager/target/kube-controller-manager.jar");
        assertThat(jar).as("the controller manager's jar (mvn package)").isRegularFile();
        return ManagedProcess.start("kube-controller-manager-" + name, List.of(
                KubejHome.launcher("kube-controller-manager").toString(),
                "--kubeconfig=" + cp.pki().resolve("kube-controller-manager.kubeconfig"),
                "--use-service-account-credentials",
                "--controllers=replicaset,deployment,serviceaccount",
                "--leader-elect=true",
                "--leader-elect-lease-duration=4s", "--leader-elect-renew-deadline=3s", "--leader-elect-retry-period=1s",
                "--bind-address=127.0.0.1", "--secure-port=" + Ports.free()),
                dir.resolve("kube-controller-manager-" + name + ".log"));
    }

    /** The identity a controller manager competes with, from the line component-base's LeaderElection logs. */
    private static String identityOf(ManagedProcess p) throws IOException {
        Matcher m = IDENTITY.matcher(Files.readString(p.logFile()));
        return m.find() ? m.group(1) : null;
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void killingTheLeaderDuringAScaleUpTo50HandsOverAndEndsWithExactly50Pods() throws Exception {
        try {
            await().atMost(TIMEOUT).failFast(() -> managers.stream().anyMatch(p -> !p.isAlive()))
                    .until(() -> identityOf(managers.get(0)) != null && identityOf(managers.get(1)) != null);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("both controller managers should compete for the Lease: " + e.getMessage() + logTails(), e);
        }
        await().atMost(TIMEOUT).until(() -> holder() != null);
        String leaderIdentity = holder();
        ManagedProcess leader = managers.stream().filter(p -> leaderIdentity.equals(uncheckedIdentity(p))).findFirst().orElseThrow();
        ManagedProcess standby = managers.stream().filter(p -> p != leader).findFirst().orElseThrow();
        String standbyIdentity = identityOf(standby);

        String ns = "le-" + Long.toHexString(System.nanoTime()).substring(0, 6);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.apps().deployments().inNamespace(ns).resource(DeploymentControllerIT.deployment("web", 1, "nginx:1")).create();
        await().atMost(TIMEOUT).until(() -> activePods(ns).size() == 1);

        // SIGKILL the leader as soon as the scale-up has begun: its pods come in slow-start batches
        AtomicInteger seenAtKill = new AtomicInteger(-1);
        Set<String> added = new HashSet<>();
        Watch watch = client.pods().inNamespace(ns).watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                synchronized (added) {
                    if (action == Action.ADDED && added.add(pod.getMetadata().getName()) && added.size() >= 2
                            && seenAtKill.get() < 0) {
                        ProcessHandle.of(leader.pid()).ifPresent(ProcessHandle::destroyForcibly);
                        seenAtKill.set(added.size());
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            client.apps().deployments().inNamespace(ns).withName("web").scale(50);
            await().atMost(TIMEOUT).until(() -> seenAtKill.get() > 0);
        } finally {
            watch.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !leader.isAlive());
        int podsWhenKilled = activePods(ns).size();
        assertThat(podsWhenKilled).as("pods when the leader died (mid scale-up)").isLessThan(50);
        System.out.printf("leader killed with %d of 50 pods seen by the watch, %d created by then%n", seenAtKill.get(), podsWhenKilled);

        // the standby takes the Lease once it expires, then finishes the scale-up
        await().atMost(TIMEOUT).until(() -> standbyIdentity.equals(holder()));
        await().atMost(TIMEOUT).until(() -> activePods(ns).size() >= 50);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> activePods(ns).size() == 50);
        List<Pod> pods = activePods(ns);
        assertThat(pods).hasSize(50);
        assertThat(client.pods().inNamespace(ns).list().getItems()).as("no extra pods, not even deleted ones").hasSize(50);
        String rsName = pods.get(0).getMetadata().getOwnerReferences().get(0).getName();
        assertThat(pods).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo(rsName)));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment d = client.apps().deployments().inNamespace(ns).withName("web").get();
            assertThat(d.getStatus().getReplicas()).isEqualTo(50);
            assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).singleElement()
                    .satisfies(rs -> assertThat(rs.getStatus().getReplicas()).isEqualTo(50));
        });
        assertThat(Files.readString(standby.logFile())).contains("starting controllers");
    }

    /** The end of each controller manager's log, for a failure message. */
    private static String logTails() {
        StringBuilder out = new StringBuilder();
        for (ManagedProcess p : managers) {
            out.append("\n--- ").append(p.logFile()).append(p.isAlive() ? " (running)" : " (exited)").append('\n');
            try {
                List<String> lines = Files.readAllLines(p.logFile());
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append(e).append('\n');
            }
        }
        return out.toString();
    }

    private static String uncheckedIdentity(ManagedProcess p) {
        try {
            return identityOf(p);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Pod> activePods(String ns) {
        return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }
}
