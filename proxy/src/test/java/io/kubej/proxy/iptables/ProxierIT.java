package io.kubej.proxy.iptables;

import static io.kubej.proxy.testing.Objects.endpoints;
import static io.kubej.proxy.testing.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.kubej.proxy.conntrack.Conntrack;
import io.kubej.proxy.testing.NodeNetwork;
import io.kubej.proxy.testing.NodeNetwork.Connection;
import io.kubej.proxy.util.iptables.ExecIptables;
import io.kubej.proxy.util.iptables.Iptables;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxier against the real iptables (nf_tables backend), in network namespaces the test
 * creates: a node with a bridge, pods running a small TCP server, optionally an outside client.
 * Service and Endpoints objects are fed to the proxier directly (no API server needed).
 */
class ProxierIT {
    private static final String POD_A = "10.200.0.2";
    private static final String POD_B = "10.200.0.3";
    private static final String CLUSTER_IP = "10.32.0.20";

    private NodeNetwork net;
    private Iptables iptables;
    private Proxier proxier;

    @BeforeEach
    void createNode() {
        net = NodeNetwork.create();
        iptables = ExecIptables.inNetns(net.nodeNetns());
        proxier = new Proxier(iptables, Conntrack.inNetns(net.nodeNetns()), "10.200.0.0/16", 14,
                Duration.ofMillis(100), Duration.ofSeconds(30));
        proxier.onServiceSynced();
        proxier.onEndpointsSynced();
    }

    @AfterEach
    void deleteNode() {
        if (proxier != null) {
            proxier.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private String startPod(String ip, String name) {
        String pod = net.addPod(ip);
        net.startServer(pod, 8080, name);
        await().atMost(Duration.ofSeconds(10)).until(() -> net.connect(net.nodeNetns(), ip, 8080).reply().startsWith(name));
        return pod;
    }

    private Service sshService() {
        return service("default", "sshsvc", CLUSTER_IP, "ssh", 22, "TCP");
    }

    private Endpoints sshEndpoints(String... ips) {
        return endpoints("default", "sshsvc", "ssh", 8080, "TCP", ips);
    }

    @Test
    void nodeReachesAPodThroughTheServiceClusterIP() {
        startPod(POD_A, "pod-a");
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A));
        proxier.syncProxyRules();

        Connection c = net.connect(net.nodeNetns(), CLUSTER_IP, 22);
        assertThat(c.reply()).as("reply (error: %s)", c.error()).startsWith("pod-a");
    }

    @Test
    void connectionsAreSpreadOverBothEndpoints() {
        startPod(POD_A, "pod-a");
        startPod(POD_B, "pod-b");
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A, POD_B));
        proxier.syncProxyRules();

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30 && seen.size() < 2; i++) {
            seen.add(net.connect(net.nodeNetns(), CLUSTER_IP, 22).reply().split(" ")[0]);
        }
        assertThat(seen).containsExactlyInAnyOrder("pod-a", "pod-b");
    }

    @Test
    void serviceWhoseEndpointsWentAwayRefusesConnections() {
        startPod(POD_A, "pod-a");
        Endpoints eps = sshEndpoints(POD_A);
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(eps);
        proxier.syncProxyRules();
        assertThat(net.connect(net.nodeNetns(), CLUSTER_IP, 22).reply()).startsWith("pod-a");

        proxier.onEndpointsDelete(eps);
        proxier.syncProxyRules();

        Connection c = net.connect(net.nodeNetns(), CLUSTER_IP, 22);
        assertThat(c.refused()).as("refused, not a timeout: %s", c).isTrue();
    }

    @Test
    void clientOutsideClusterCidrIsMasqueradedSoThePodSeesTheNodeAddress() {
        startPod(POD_A, "pod-a");
        String client = net.addClient();
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A));
        proxier.syncProxyRules();

        // PREROUTING path: the node forwards the client's packet to the pod after DNAT.
        Connection c = net.connect(client, CLUSTER_IP, 22);
        assertThat(c.reply()).as("reply (error: %s)", c.error()).startsWith("pod-a");
        // KUBE-MARK-MASQ (source outside 10.200.0.0/16) + KUBE-POSTROUTING: the pod sees the node.
        assertThat(c.reply()).contains(NodeNetwork.NODE_BRIDGE_IP).doesNotContain("10.99.0.2");
    }

    @Test
    void podReachesItselfThroughItsServiceThanksToHairpinMasquerade() {
        String podA = startPod(POD_A, "pod-a");
        net.enableForwarding();
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A));
        proxier.syncProxyRules();

        // pod-a -> node -> DNAT back to pod-a: without the KUBE-SEP source rule the reply would
        // go straight from pod-a to itself and never match the client's connection.
        Connection c = net.connect(podA, CLUSTER_IP, 22);
        assertThat(c.reply()).as("reply (error: %s)", c.error()).isEqualTo("pod-a " + NodeNetwork.NODE_BRIDGE_IP);
    }

    @Test
    void udpClientReusingItsPortMovesToTheNewEndpointOnceTheOldOneIsRemoved() {
        String podA = net.addPod(POD_A);
        String podB = net.addPod(POD_B);
        net.startUdpServer(podA, 5353, "pod-a");
        net.startUdpServer(podB, 5353, "pod-b");
        proxier.onServiceAdd(service("kube-system", "dns", "10.32.0.10", "dns", 53, "UDP"));
        proxier.onEndpointsAdd(endpoints("kube-system", "dns", "dns", 5353, "UDP", POD_A));
        proxier.syncProxyRules();
        await().atMost(Duration.ofSeconds(10)).until(() -> net.udpQuery(net.nodeNetns(), "10.32.0.10", 53, 40000).equals("pod-a"));

        proxier.onEndpointsUpdate(null, endpoints("kube-system", "dns", "dns", 5353, "UDP", POD_B));
        proxier.syncProxyRules();

        // Same 5-tuple: without deleting the conntrack entry this would still be DNATed to pod-a
        // (for UDP conntrack's 30 s, far longer than this wait). A query may go unanswered on a
        // loaded machine, as the first one above may, so it is retried; pod-a must never answer.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            String reply = net.udpQuery(net.nodeNetns(), "10.32.0.10", 53, 40000);
            assertThat(reply).as("the stale conntrack entry was not deleted").isNotEqualTo("pod-a");
            return reply.equals("pod-b");
        });
    }

    @Test
    void endpointsChangeIsProgrammedByTheSyncLoopWithoutAnExplicitSync() {
        proxier.start();
        startPod(POD_A, "pod-a");
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> net.connect(net.nodeNetns(), CLUSTER_IP, 22).reply().startsWith("pod-a"));
        assertThat(proxier.isInitialized()).isTrue();
    }

    @Test
    void iptablesSaveShowsKubeProxyChainsWithReadableComments() {
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A, POD_B));
        proxier.onServiceAdd(service("default", "empty", "10.32.0.30", "", 80, "TCP"));
        proxier.syncProxyRules();

        String nat = iptables.save(Iptables.Table.NAT);
        assertThat(nat).contains(
                "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
                ":KUBE-NODEPORTS - [0:0]",
                "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000", // iptables-save spells --or-mark so
                "--comment \"default/sshsvc:ssh cluster IP\"",
                "--comment \"default/sshsvc:ssh -> 10.200.0.2:8080\"",
                "-m statistic --mode random --probability 0.50000000000",
                "-j DNAT --to-destination 10.200.0.3:8080");
        String filter = iptables.save(Iptables.Table.FILTER);
        assertThat(filter).contains(
                "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A KUBE-SERVICES -d 10.32.0.30/32 -p tcp -m comment --comment \"default/empty has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable");
    }

    @Test
    void syncingTwiceYieldsIdenticalRules() {
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A, POD_B));
        proxier.syncProxyRules();
        String first = rules();
        proxier.syncProxyRules();
        assertThat(rules()).isEqualTo(first);
    }

    @Test
    void chainsOfADeletedServiceAreRemoved() {
        Service svc = sshService();
        Endpoints eps = sshEndpoints(POD_A);
        proxier.onServiceAdd(svc);
        proxier.onEndpointsAdd(eps);
        proxier.syncProxyRules();
        assertThat(iptables.save(Iptables.Table.NAT)).contains("KUBE-SVC-", "KUBE-SEP-");

        proxier.onServiceDelete(svc);
        proxier.onEndpointsDelete(eps);
        proxier.syncProxyRules();
        assertThat(iptables.save(Iptables.Table.NAT)).doesNotContain("KUBE-SVC-", "KUBE-SEP-", "sshsvc");
    }

    @Test
    void cleanupRemovesEveryKubeProxyChainAndJumpButKeepsOtherRules() {
        iptables.ensureChain(Iptables.Table.FILTER, "OTHER-PROGRAM");
        iptables.ensureRule(Iptables.RulePosition.APPEND, Iptables.Table.FILTER, "INPUT", java.util.List.of("-j", "OTHER-PROGRAM"));
        proxier.onServiceAdd(sshService());
        proxier.onEndpointsAdd(sshEndpoints(POD_A));
        proxier.syncProxyRules();

        Proxier.cleanupLeftovers(iptables);
        Proxier.cleanupLeftovers(iptables); // idempotent

        assertThat(rules()).doesNotContain("KUBE-").contains("-A INPUT -j OTHER-PROGRAM");
    }

    /** Both tables, without the timestamp comment lines and counters. */
    private String rules() {
        return (iptables.save(Iptables.Table.FILTER) + iptables.save(Iptables.Table.NAT))
                .lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
