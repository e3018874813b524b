package io.kubej.controller.nodeipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.BitSet;

/**
 * One cluster CIDR cut into equal node subnets (upstream: pkg/controller/nodeipam/ipam/cidrset):
 * {@code 10.200.0.0/16} with mask size 24 is 256 subnets {@code 10.200.0.0/24} ...
 * {@code 10.200.255.0/24}. A bit per subnet says whether a Node holds it.
 *
 * <p>Allocation goes round from where the last one stopped (upstream's {@code nextCandidate}),
 * so a subnet just released is the last to be handed out again: a pod that still has an
 * address from a deleted Node's range does not meet a new Node's pods at once.
 *
 * <p>Not thread-safe: {@link RangeAllocator} serialises access.
 */
final class CidrSet {
    /** Upstream's limit: at most 2^16 subnets per cluster CIDR, so the bit set stays small. */
    static final int MAX_PREFIX_DIFF = 16;

    private final String clusterCidr;
    private final BigInteger base;
    private final int bits; // 32 for IPv4, 128 for IPv6
    private final int clusterMask;
    private final int subnetMask;
    private final int count;
    private final BitSet used;
    private int nextCandidate;

    CidrSet(String clusterCidr, int subnetMask) {
        Cidr c = Cidr.parse(clusterCidr);
        if (subnetMask < c.prefix()) {
            throw new IllegalArgumentException("node CIDR mask size " + subnetMask + " is smaller than the cluster CIDR's " + clusterCidr);
        }
        if (subnetMask > c.bits()) {
            throw new IllegalArgumentException("node CIDR mask size " + subnetMask + " is longer than an address of " + clusterCidr);
        }
        if (subnetMask - c.prefix() > MAX_PREFIX_DIFF) {
            throw new IllegalArgumentException("node CIDR mask size " + subnetMask + " cuts " + clusterCidr
                    + " into more than 2^" + MAX_PREFIX_DIFF + " subnets");
        }
        this.clusterCidr = c.toString();
        this.base = c.network();
        this.bits = c.bits();
        this.clusterMask = c.prefix();
        this.subnetMask = subnetMask;
        this.count = 1 << (subnetMask - c.prefix());
        this.used = new BitSet(count);
    }

    boolean isIpv6() {
        return bits == 128;
    }

    /** The next free subnet, marked used; throws {@link CidrRangeFullException} when none is left. */
    String allocateNext() {
        for (int i = 0; i < count; i++) {
            int candidate = (nextCandidate + i) % count;
            if (!used.get(candidate)) {
                used.set(candidate);
                nextCandidate = (candidate + 1) % count;
                return subnet(candidate);
            }
        }
        throw new CidrRangeFullException("CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range " + clusterCidr);
    }

    /** Marks {@code cidr} used (a Node already holds it); false when it is not a subnet of this range. */
    boolean occupy(String cidr) {
        int index = indexOf(cidr);
        if (index < 0) {
            return false;
        }
        used.set(index);
        return true;
    }

    /** Frees {@code cidr}; a CIDR outside this range is ignored. */
    void release(String cidr) {
        int index = indexOf(cidr);
        if (index >= 0) {
            used.clear(index);
        }
    }

    boolean contains(String cidr) {
        return indexOf(cidr) >= 0;
    }

    int free() {
        return count - used.cardinality();
    }

    /** The subnet index of {@code cidr}, or -1 if it is not exactly one of this set's subnets. */
    private int indexOf(String cidr) {
        Cidr c;
        try {
            c = Cidr.parse(cidr);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (c.bits() != bits || c.prefix() != subnetMask) {
            return -1;
        }
        BigInteger offset = c.network().subtract(base);
        if (offset.signum() < 0 || offset.bitLength() > bits - clusterMask) {
            return -1;
        }
        BigInteger index = offset.shiftRight(bits - subnetMask);
        return index.compareTo(BigInteger.valueOf(count)) < 0 ? index.intValue() : -1;
    }

    private String subnet(int index) {
        BigInteger network = base.add(BigInteger.valueOf(index).shiftLeft(bits - subnetMask));
        return Cidr.format(network, bits) + "/" + subnetMask;
    }

    /** A parsed CIDR: its network address (host bits cleared), prefix length and address width. */
    record Cidr(BigInteger network, int prefix, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid CIDR address: " + text);
            }
            String ip = text.substring(0, slash).trim();
            if (!ip.matches("[0-9.]+") && !ip.contains(":")) {
                throw new IllegalArgumentException("invalid CIDR address: " + text); // no host names
            }
            byte[] raw;
            int prefix;
            try {
                raw = InetAddress.getByName(ip).getAddress();
                prefix = Integer.parseInt(text.substring(slash + 1).trim());
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("invalid CIDR address: " + text, e);
            }
            int bits = raw.length * 8;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("invalid CIDR address: " + text);
            }
            BigInteger addr = new BigInteger(1, raw);
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new Cidr(addr.and(mask), prefix, bits);
        }

        static String format(BigInteger address, int bits) {
            byte[] out = new byte[bits / 8];
            byte[] raw = address.toByteArray();
            int copy = Math.min(raw.length, out.length);
            System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
            try {
                String s = InetAddress.getByAddress(out).getHostAddress();
                return bits == 128 ? compressIpv6(s) : s;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Java prints {@code fd00:0:0:0:0:0:0:0}; Go (and kubectl users) write {@code fd00::}. */
        private static String compressIpv6(String full) {
            String[] groups = full.split(":");
            int bestStart = -1;
            int bestLen = 0;
            for (int i = 0; i < groups.length; ) {
                if (groups[i].equals("0")) {
                    int j = i;
                    while (j < groups.length && groups[j].equals("0")) {
                        j++;
                    }
                    if (j - i > bestLen && j - i > 1) {
                        bestStart = i;
                        bestLen = j - i;
                    }
                    i = j;
                } else {
                    i++;
                }
            }
            if (bestStart < 0) {
                return full;
            }
            String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
            String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
            return head + "::" + tail;
        }

        @Override
        public String toString() {
            return format(network, bits) + "/" + prefix;
        }
    }
}
