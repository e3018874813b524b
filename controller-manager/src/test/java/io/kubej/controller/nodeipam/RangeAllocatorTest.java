package io.kubej.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RangeAllocatorTest {

    @Test
    void clusterCidrIsCutIntoNodeSubnetsOfTheMaskSize() {
        CidrSet set = new CidrSet("10.200.0.0/16", 24);
        assertThat(set.allocateNext()).isEqualTo("10.200.0.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.200.1.0/24");
        assertThat(set.free()).isEqualTo(254);
    }

    @Test
    void everySubnetIsHandedOutOnceThenTheRangeIsFull() {
        CidrSet set = new CidrSet("10.0.0.0/22", 24);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertThat(seen.add(set.allocateNext())).isTrue();
        }
        assertThat(seen).containsExactlyInAnyOrder("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24");
        assertThatThrownBy(set::allocateNext).isInstanceOf(CidrRangeFullException.class)
                .hasMessageContaining("no remaining CIDRs");
    }

    @Test
    void aReleasedSubnetIsReusedOnlyAfterTheOthers() {
        CidrSet set = new CidrSet("10.0.0.0/22", 24);
        String first = set.allocateNext();
        set.allocateNext();
        set.release(first);
        assertThat(set.allocateNext()).isEqualTo("10.0.2.0/24");
        assertThat(set.allocateNext()).isEqualTo("10.0.3.0/24");
        assertThat(set.allocateNext()).isEqualTo(first);
    }

    @Test
    void occupiedSubnetsAreSkipped() {
        CidrSet set = new CidrSet("10.200.0.0/16", 24);
        assertThat(set.occupy("10.200.0.0/24")).isTrue();
        assertThat(set.occupy("10.200.1.0/24")).isTrue();
        assertThat(set.allocateNext()).isEqualTo("10.200.2.0/24");
    }

    @Test
    void cidrsOutsideTheRangeOrOfAnotherSizeAreNotOccupied() {
        CidrSet set = new CidrSet("10.200.0.0/16", 24);
        assertThat(set.occupy("10.201.0.0/24")).isFalse();
        assertThat(set.occupy("10.200.0.0/25")).isFalse();
        assertThat(set.occupy("10.199.255.0/24")).isFalse();
        assertThat(set.occupy("fd00::/64")).isFalse();
        assertThat(set.contains("10.200.255.0/24")).isTrue();
    }

    @Test
    void maskSizesThatMakeNoSenseAreRefused() {
        assertThatThrownBy(() -> new CidrSet("10.200.0.0/16", 8)).hasMessageContaining("smaller");
        assertThatThrownBy(() -> new CidrSet("10.0.0.0/8", 25)).hasMessageContaining("2^16");
        assertThatThrownBy(() -> new CidrSet("nonsense", 24)).hasMessageContaining("invalid CIDR");
    }

    @Test
    void ipv6SubnetsAreWrittenAsGoWritesThem() {
        CidrSet set = new CidrSet("fd00:10:244::/56", 64);
        assertThat(set.allocateNext()).isEqualTo("fd00:10:244::/64");
        assertThat(set.allocateNext()).isEqualTo("fd00:10:244:1::/64");
    }

    @Test
    void dualStackNodesGetOneCidrOfEachFamilyInFlagOrder() {
        RangeAllocator a = new RangeAllocator(List.of("10.200.0.0/16", "fd00:10:244::/56"), 24, 64);
        assertThat(a.allocate("worker-0")).containsExactly("10.200.0.0/24", "fd00:10:244::/64");
    }

    @Test
    void aNodeAskingAgainGetsWhatItAlreadyHolds() {
        RangeAllocator a = new RangeAllocator(List.of("10.200.0.0/16"), 24, 64);
        List<String> first = a.allocate("worker-0");
        assertThat(a.allocate("worker-0")).isEqualTo(first);
        assertThat(a.allocate("worker-1")).isNotEqualTo(first);
    }

    @Test
    void aDeletedNodesCidrGoesBackToThePool() {
        RangeAllocator a = new RangeAllocator(List.of("10.0.0.0/23"), 24, 64);
        List<String> w0 = a.allocate("worker-0");
        a.allocate("worker-1");
        assertThatThrownBy(() -> a.allocate("worker-2")).isInstanceOf(CidrRangeFullException.class);
        a.release("worker-0");
        assertThat(a.allocate("worker-2")).isEqualTo(w0);
    }

    @Test
    void existingNodesCidrsAreNeverHandedOutAgain() {
        // what a restarted controller does first: occupy what the Nodes hold
        RangeAllocator a = new RangeAllocator(List.of("10.0.0.0/22"), 24, 64);
        assertThat(a.occupy("worker-0", List.of("10.0.0.0/24"))).isEmpty();
        assertThat(a.occupy("worker-1", List.of("10.0.2.0/24"))).isEmpty();
        assertThat(a.allocate("worker-2")).containsExactly("10.0.1.0/24");
        assertThat(a.allocate("worker-3")).containsExactly("10.0.3.0/24");
        assertThatThrownBy(() -> a.allocate("worker-4")).isInstanceOf(CidrRangeFullException.class);
    }

    @Test
    void aCidrGivenByHandOutsideTheRangeIsReported() {
        RangeAllocator a = new RangeAllocator(List.of("10.200.0.0/16"), 24, 64);
        assertThat(a.occupy("worker-0", List.of("192.168.0.0/24"))).containsExactly("192.168.0.0/24");
    }

    @Test
    void dualStackNeedsOneCidrOfEachFamily() {
        assertThatThrownBy(() -> new RangeAllocator(List.of("10.0.0.0/16", "10.1.0.0/16"), 24, 64))
                .hasMessageContaining("one IPv4 and one IPv6");
        assertThatThrownBy(() -> new RangeAllocator(List.of(), 24, 64)).hasMessageContaining("--cluster-cidr is required");
    }
}
