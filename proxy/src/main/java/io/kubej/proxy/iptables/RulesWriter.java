package io.kubej.proxy.iptables;

import static io.kubej.proxy.iptables.ChainNames.KUBE_FORWARD;
import static io.kubej.proxy.iptables.ChainNames.KUBE_MARK_MASQ;
import static io.kubej.proxy.iptables.ChainNames.KUBE_NODEPORTS;
import static io.kubej.proxy.iptables.ChainNames.KUBE_POSTROUTING;
import static io.kubej.proxy.iptables.ChainNames.KUBE_SERVICES;

import io.kubej.proxy.Endpoint;
import io.kubej.proxy.EndpointsChangeTracker.ServicePortKey;
import io.kubej.proxy.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes kube-proxy's whole ruleset in iptables-restore format: a {@code *filter} and a
 * {@code *nat} block, each with its chain declarations first and rules after.
 *
 * <p>Why text: iptables-restore applies a whole table in one atomic step, and is much faster than
 * one iptables call per rule (upstream writes the same kind of buffer in syncProxyRules). Pure
 * function of its input, so a unit test can read the rules without running iptables.
 */
final class RulesWriter {
    private final String clusterCIDR;
    private final String masqueradeMark;

    private final List<String> filterChains = new ArrayList<>();
    private final List<String> filterRules = new ArrayList<>();
    private final Set<String> natChains = new LinkedHashSet<>();
    private final List<String> natRules = new ArrayList<>();

    RulesWriter(String clusterCIDR, String masqueradeMark) {
        this.clusterCIDR = clusterCIDR;
        this.masqueradeMark = masqueradeMark;
    }

    /**
     * @param existingNatChains the KUBE-* chains now in the nat table; KUBE-SVC-/KUBE-SEP- chains
     *                          among them that are no longer wanted get deleted
     */
    String write(List<ServicePort> servicePorts, Map<ServicePortKey, List<Endpoint>> endpoints, Set<String> existingNatChains) {
        writeFixedChains();
        for (ServicePort svc : servicePorts) {
            List<Endpoint> eps = endpoints.getOrDefault(new ServicePortKey(svc.name(), svc.protocol()), List.of());
            if (eps.isEmpty()) {
                writeRejectForServiceWithoutEndpoints(svc);
            } else {
                writeServicePort(svc, eps);
            }
        }
        writeNodePortsJump();
        writeStaleChainDeletions(existingNatChains);
        return render();
    }

    /** KUBE-MARK-MASQ, KUBE-POSTROUTING, KUBE-FORWARD: the same for every cluster. */
    private void writeFixedChains() {
        filterChains.addAll(List.of(KUBE_SERVICES, KUBE_FORWARD));
        natChains.addAll(List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ));

        // Only packets marked for SNAT go on; clear the mark so it does not leak elsewhere, then SNAT.
        natRules.add("-A KUBE-POSTROUTING -m mark ! --mark " + mark() + " -j RETURN");
        natRules.add("-A KUBE-POSTROUTING -j MARK --xor-mark " + masqueradeMark);
        natRules.add("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        natRules.add("-A KUBE-MARK-MASQ -j MARK --or-mark " + masqueradeMark);

        // Service traffic the node forwards must pass even if the FORWARD policy is DROP.
        filterRules.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark " + mark() + " -j ACCEPT");
        filterRules.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\""
                + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
    }

    /** A Service port with no ready endpoint: reject at once, so clients see "connection refused". */
    private void writeRejectForServiceWithoutEndpoints(ServicePort svc) {
        filterRules.add("-A KUBE-SERVICES -d " + svc.clusterIP() + "/32 -p " + svc.iptablesProtocol()
                + " -m comment --comment \"" + svc.name() + " has no endpoints\""
                + " -m " + svc.iptablesProtocol() + " --dport " + svc.port()
                + " -j REJECT --reject-with icmp-port-unreachable");
    }

    /** KUBE-SERVICES -> KUBE-SVC (load balancing) -> KUBE-SEP (DNAT) for one Service port. */
    private void writeServicePort(ServicePort svc, List<Endpoint> endpoints) {
        String svcChain = ChainNames.servicePortChainName(svc);
        natChains.add(svcChain);
        String proto = svc.iptablesProtocol();
        String clusterIPMatch = "-d " + svc.clusterIP() + "/32 -p " + proto
                + " -m comment --comment \"" + svc.name() + " cluster IP\""
                + " -m " + proto + " --dport " + svc.port();

        // Entry point: traffic to clusterIP:port goes to this Service port's chain.
        natRules.add("-A KUBE-SERVICES " + clusterIPMatch + " -j " + svcChain);

        // From outside the pod network (e.g. the node itself via another interface, or another
        // host): SNAT, so the pod's reply comes back through this node to be un-DNATed.
        if (clusterCIDR != null) {
            natRules.add("-A " + svcChain + " ! -s " + clusterCIDR + " " + clusterIPMatch + " -j KUBE-MARK-MASQ");
        }

        // Random choice: endpoint i of n is taken with probability 1/(n-i); the last always matches,
        // which gives every endpoint an equal 1/n share overall.
        int n = endpoints.size();
        for (int i = 0; i < n; i++) {
            Endpoint ep = endpoints.get(i);
            String sepChain = ChainNames.servicePortEndpointChainName(svc, ep);
            natChains.add(sepChain);
            String comment = " -m comment --comment \"" + svc.name() + " -> " + ep + "\"";
            String pick = i < n - 1
                    ? " -m statistic --mode random --probability " + probability(n - i)
                    : "";
            natRules.add("-A " + svcChain + comment + pick + " -j " + sepChain);

            String sepComment = " -m comment --comment \"" + svc.name() + "\"";
            // Hairpin: a pod reaching itself through its Service must be SNATed, or it would
            // answer itself directly and the client would drop the reply.
            natRules.add("-A " + sepChain + " -s " + ep.ip() + "/32" + sepComment + " -j KUBE-MARK-MASQ");
            natRules.add("-A " + sepChain + " -p " + proto + sepComment + " -m " + proto + " -j DNAT --to-destination " + ep);
        }
    }

    /** Must stay the last rule of nat KUBE-SERVICES: node ports are matched after cluster IPs. */
    private void writeNodePortsJump() {
        natRules.add("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
    }

    /** Chains of Services or endpoints that went away: flush (by declaring) and delete them. */
    private void writeStaleChainDeletions(Set<String> existingNatChains) {
        for (String chain : existingNatChains) {
            boolean perService = chain.startsWith(ChainNames.SVC_PREFIX) || chain.startsWith(ChainNames.SEP_PREFIX);
            if (perService && !natChains.contains(chain)) {
                natChains.add(chain);
                natRules.add("-X " + chain);
            }
        }
    }

    private String render() {
        StringBuilder out = new StringBuilder();
        out.append("*filter\n");
        filterChains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
        filterRules.forEach(r -> out.append(r).append('\n'));
        out.append("COMMIT\n");
        out.append("*nat\n");
        natChains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
        natRules.forEach(r -> out.append(r).append('\n'));
        out.append("COMMIT\n");
        return out.toString();
    }

    private String mark() {
        return masqueradeMark + "/" + masqueradeMark;
    }

    /** 1/n with ten decimals, as upstream writes it (iptables-save prints eleven). */
    static String probability(int n) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / n);
    }
}
