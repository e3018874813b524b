package io.kubej.proxy.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.proxy.Endpoint;
import io.kubej.proxy.ServicePort;
import io.kubej.proxy.ServicePortName;
import org.junit.jupiter.api.Test;

class ChainNamesTest {
    private final ServicePort ns1svc1p80 = new ServicePort(new ServicePortName("ns1", "svc1", "p80"), "10.20.30.41", 80, "TCP");

    // The expected names are the ones upstream kube-proxy's own tests use for ns1/svc1:p80.
    @Test
    void servicePortChainNameIsTheSameAsUpstreamKubeProxys() {
        assertThat(ChainNames.servicePortChainName(ns1svc1p80)).isEqualTo("KUBE-SVC-XPGD46QRK7WJZT7O");
    }

    @Test
    void endpointChainNameIsTheSameAsUpstreamKubeProxys() {
        assertThat(ChainNames.servicePortEndpointChainName(ns1svc1p80, new Endpoint("10.180.0.1", 80)))
                .isEqualTo("KUBE-SEP-SXIVWICOYRO3J4NJ");
    }

    @Test
    void protocolIsPartOfTheChainName() {
        ServicePort udp = new ServicePort(ns1svc1p80.name(), "10.20.30.41", 80, "UDP");
        assertThat(ChainNames.servicePortChainName(udp)).isNotEqualTo(ChainNames.servicePortChainName(ns1svc1p80));
    }

    @Test
    void chainNamesFitIptablesLimitOf28Characters() {
        assertThat(ChainNames.servicePortChainName(ns1svc1p80)).hasSizeLessThanOrEqualTo(28);
    }

    @Test
    void unnamedPortHasNoColonInItsName() {
        assertThat(new ServicePortName("default", "kubernetes", "").toString()).isEqualTo("default/kubernetes");
        assertThat(new ServicePortName("default", "kubernetes", "https").toString()).isEqualTo("default/kubernetes:https");
    }
}
