package io.kubej.controller.nodeipam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node holds which pod CIDRs (upstream: the range allocator,
 * pkg/controller/nodeipam/ipam/range_allocator.go). One {@link CidrSet} per cluster CIDR: a
 * single-stack cluster gives each Node one CIDR, a dual-stack one (IPv4 and IPv6 cluster CIDRs)
 * one of each, in the order of {@code --cluster-cidr}.
 *
 * <p>The allocator also remembers what it handed to each node before the Node object shows it:
 * a sync reading a cache that lags behind the controller's own patch then reuses that
 * allocation instead of taking a second one.
 */
final class RangeAllocator {
    private final List<CidrSet> sets = new ArrayList<>();
    private final Map<String, List<String>> byNode = new HashMap<>();

    /**
     * @param clusterCidrs {@code --cluster-cidr}, comma-separated: at most one IPv4 and one IPv6
     * @param ipv4Mask     {@code --node-cidr-mask-size-ipv4} (or {@code --node-cidr-mask-size})
     * @param ipv6Mask     {@code --node-cidr-mask-size-ipv6}
     */
    RangeAllocator(List<String> clusterCidrs, int ipv4Mask, int ipv6Mask) {
        if (clusterCidrs.isEmpty()) {
            throw new IllegalArgumentException("--cluster-cidr is required with --allocate-node-cidrs");
        }
        if (clusterCidrs.size() > 2) {
            throw new IllegalArgumentException("--cluster-cidr: at most two CIDRs (one IPv4, one IPv6), got " + clusterCidrs);
        }
        for (String cidr : clusterCidrs) {
            boolean v6 = CidrSet.Cidr.parse(cidr).bits() == 128;
            sets.add(new CidrSet(cidr, v6 ? ipv6Mask : ipv4Mask));
        }
        if (sets.size() == 2 && sets.get(0).isIpv6() == sets.get(1).isIpv6()) {
            throw new IllegalArgumentException("--cluster-cidr: a dual-stack cluster needs one IPv4 and one IPv6 CIDR, got " + clusterCidrs);
        }
    }

    /**
     * Records that {@code node} holds {@code cidrs} (its spec.podCIDRs). Returns the CIDRs that
     * lie in none of the cluster CIDRs (left alone: a Node may have been given one by hand).
     */
    synchronized List<String> occupy(String node, List<String> cidrs) {
        List<String> outside = new ArrayList<>();
        for (String cidr : cidrs) {
            boolean taken = false;
            for (CidrSet set : sets) {
                taken |= set.occupy(cidr);
            }
            if (!taken) {
                outside.add(cidr);
            }
        }
        List<String> previous = byNode.put(node, List.copyOf(cidrs));
        if (previous != null) {
            previous.stream().filter(c -> !cidrs.contains(c)).forEach(this::releaseOne);
        }
        return outside;
    }

    /**
     * The CIDRs for {@code node}: those already handed to it, else a new one from each cluster
     * CIDR. All or nothing: when one range is full, nothing stays taken.
     */
    synchronized List<String> allocate(String node) {
        List<String> held = byNode.get(node);
        if (held != null) {
            return held;
        }
        List<String> taken = new ArrayList<>();
        try {
            for (CidrSet set : sets) {
                taken.add(set.allocateNext());
            }
        } catch (CidrRangeFullException e) {
            taken.forEach(this::releaseOne);
            throw e;
        }
        byNode.put(node, List.copyOf(taken));
        return byNode.get(node);
    }

    /** Frees what {@code node} held (its Node is gone). */
    synchronized void release(String node) {
        List<String> held = byNode.remove(node);
        if (held != null) {
            held.forEach(this::releaseOne);
        }
    }

    /** What the allocator believes {@code node} holds, or null. */
    synchronized List<String> held(String node) {
        return byNode.get(node);
    }

    private void releaseOne(String cidr) {
        // another node may hold the same CIDR by hand-editing; then it stays used
        boolean stillHeld = byNode.values().stream().anyMatch(l -> l.contains(cidr));
        if (!stillHeld) {
            sets.forEach(s -> s.release(cidr));
        }
    }
}
