package io.kubej.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpAddressesTest {
    @Test
    void firstIpOfTheServiceCidrIsTheKubernetesServiceIp() {
        assertThat(IpAddresses.firstIp("10.32.0.0/24")).isEqualTo("10.32.0.1");
        assertThat(IpAddresses.firstIp("10.32.0.77/16")).isEqualTo("10.32.0.1");
        assertThat(IpAddresses.firstIp("fd00:10:96::/112")).isEqualTo("fd00:10:96:0:0:0:0:1");
    }

    @Test
    void malformedCidrsAndAddressesAreRejectedWithoutDnsLookups() {
        assertThatThrownBy(() -> IpAddresses.firstIp("10.32.0.0")).hasMessageContaining("invalid CIDR");
        assertThatThrownBy(() -> IpAddresses.firstIp("10.32.0.0/33")).hasMessageContaining("invalid CIDR");
        assertThatThrownBy(() -> IpAddresses.firstIp("example.com/24")).hasMessageContaining("invalid CIDR");
        assertThatThrownBy(() -> IpAddresses.parse("localhost")).hasMessageContaining("invalid IP address");
        assertThatThrownBy(() -> IpAddresses.parse("10.0.0.256")).hasMessageContaining("invalid IP address");
    }

    @Test
    void nodeIsParsedFromNameEqualsIp() {
        assertThat(ClusterPki.Node.parse("worker-0=10.240.0.20")).isEqualTo(new ClusterPki.Node("worker-0", "10.240.0.20"));
        assertThatThrownBy(() -> ClusterPki.Node.parse("worker-0")).hasMessageContaining("expected name=IP");
        assertThatThrownBy(() -> ClusterPki.Node.parse("worker-0=")).hasMessageContaining("expected name=IP");
        assertThatThrownBy(() -> ClusterPki.Node.parse("Worker_0=10.0.0.1")).hasMessageContaining("invalid node name");
        assertThatThrownBy(() -> ClusterPki.Node.parse("worker-0=10.0.0")).hasMessageContaining("invalid IP address");
    }
}
