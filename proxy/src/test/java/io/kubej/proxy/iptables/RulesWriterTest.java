package io.kubej.proxy.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.proxy.Endpoint;
import io.kubej.proxy.EndpointsChangeTracker.ServicePortKey;
import io.kubej.proxy.ServicePort;
import io.kubej.proxy.ServicePortName;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesWriterTest {
    private static final ServicePortName SSH = new ServicePortName("default", "sshsvc", "ssh");
    private static final ServicePort SSH_PORT = new ServicePort(SSH, "10.32.0.20", 22, "TCP");

    private static String write(List<ServicePort> ports, Map<ServicePortKey, List<Endpoint>> eps, Set<String> existing) {
        return new RulesWriter("10.200.0.0/16", "0x4000").write(ports, eps, existing);
    }

    @Test
    void threeEndpointsArePickedWithProbabilitiesOneThirdOneHalfThenAlways() {
        String rules = write(List.of(SSH_PORT), Map.of(new ServicePortKey(SSH, "TCP"), List.of(
                new Endpoint("10.200.0.2", 22), new Endpoint("10.200.0.3", 22), new Endpoint("10.200.0.4", 22))), Set.of());
        String svc = ChainNames.servicePortChainName(SSH_PORT);

        List<String> picks = rules.lines().filter(l -> l.startsWith("-A " + svc) && l.contains("KUBE-SEP-")).toList();
        assertThat(picks).hasSize(3);
        assertThat(picks.get(0)).contains("--probability 0.3333333333");
        assertThat(picks.get(1)).contains("--probability 0.5000000000");
        assertThat(picks.get(2)).doesNotContain("statistic");
        assertThat(rules).contains("-A KUBE-SERVICES -d 10.32.0.20/32 -p tcp -m comment --comment \"default/sshsvc:ssh cluster IP\" -m tcp --dport 22 -j " + svc);
        assertThat(rules).contains("-j DNAT --to-destination 10.200.0.3:22");
    }

    @Test
    void trafficFromOutsideClusterCidrIsMarkedForMasquerade() {
        String rules = write(List.of(SSH_PORT), Map.of(new ServicePortKey(SSH, "TCP"), List.of(new Endpoint("10.200.0.2", 22))), Set.of());
        assertThat(rules).contains("-A " + ChainNames.servicePortChainName(SSH_PORT) + " ! -s 10.200.0.0/16 -d 10.32.0.20/32");
        assertThat(rules).contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
        assertThat(rules).contains("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
    }

    @Test
    void endpointTalkingToItselfIsMarkedForMasquerade() {
        String rules = write(List.of(SSH_PORT), Map.of(new ServicePortKey(SSH, "TCP"), List.of(new Endpoint("10.200.0.2", 22))), Set.of());
        String sep = ChainNames.servicePortEndpointChainName(SSH_PORT, new Endpoint("10.200.0.2", 22));
        assertThat(rules).contains("-A " + sep + " -s 10.200.0.2/32 -m comment --comment \"default/sshsvc:ssh\" -j KUBE-MARK-MASQ");
    }

    @Test
    void serviceWithoutEndpointsIsRejectedInFilterAndHasNoNatChain() {
        String rules = write(List.of(SSH_PORT), Map.of(), Set.of());
        String filter = rules.substring(0, rules.indexOf("*nat"));
        assertThat(filter).contains("-A KUBE-SERVICES -d 10.32.0.20/32 -p tcp -m comment --comment \"default/sshsvc:ssh has no endpoints\""
                + " -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable");
        assertThat(rules).doesNotContain("KUBE-SVC-");
    }

    @Test
    void udpAndSctpServicesMatchTheirProtocol() {
        ServicePortName dns = new ServicePortName("kube-system", "kube-dns", "dns");
        ServicePort udp = new ServicePort(dns, "10.32.0.10", 53, "UDP");
        ServicePort sctp = new ServicePort(new ServicePortName("default", "s", ""), "10.32.0.11", 9999, "SCTP");
        String rules = write(List.of(udp, sctp), Map.of(
                new ServicePortKey(dns, "UDP"), List.of(new Endpoint("10.200.0.5", 53)),
                new ServicePortKey(sctp.name(), "SCTP"), List.of(new Endpoint("10.200.0.6", 9999))), Set.of());
        assertThat(rules).contains("-d 10.32.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53");
        assertThat(rules).contains("-d 10.32.0.11/32 -p sctp -m comment --comment \"default/s cluster IP\" -m sctp --dport 9999");
    }

    @Test
    void chainsOfRemovedServicesAreDeletedButOtherKubeChainsAreLeftAlone() {
        String rules = write(List.of(), Map.of(), Set.of("KUBE-SVC-OLDOLDOLDOLDOLD1", "KUBE-SEP-OLDOLDOLDOLDOLD2", "KUBE-KUBELET-CANARY"));
        assertThat(rules).contains(":KUBE-SVC-OLDOLDOLDOLDOLD1 - [0:0]", "-X KUBE-SVC-OLDOLDOLDOLDOLD1", "-X KUBE-SEP-OLDOLDOLDOLDOLD2");
        assertThat(rules).doesNotContain("KUBE-KUBELET-CANARY");
    }

    @Test
    void nodePortsJumpIsTheLastRuleOfNatKubeServices() {
        String rules = write(List.of(SSH_PORT), Map.of(new ServicePortKey(SSH, "TCP"), List.of(new Endpoint("10.200.0.2", 22))), Set.of());
        List<String> natServices = rules.substring(rules.indexOf("*nat")).lines().filter(l -> l.startsWith("-A KUBE-SERVICES")).toList();
        assertThat(natServices.getLast()).contains("--dst-type LOCAL -j KUBE-NODEPORTS");
    }

    @Test
    void withoutClusterCidrNoSourceBasedMasqueradeRuleIsWritten() {
        String rules = new RulesWriter(null, "0x4000").write(List.of(SSH_PORT),
                Map.of(new ServicePortKey(SSH, "TCP"), List.of(new Endpoint("10.200.0.2", 22))), Set.of());
        assertThat(rules).doesNotContain("! -s ");
    }
}
