package io.kubej.apiserver.registry.core.service;

import io.kubej.apiserver.storage.etcd3.Markers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out ClusterIPs from {@code --service-cluster-ip-range} (upstream
 * {@code pkg/registry/core/service/ipallocator}).
 *
 * <p>Why a key per IP in etcd: two API servers (or two concurrent creates) must never hand out
 * the same address. Each allocation is an etcd create-if-absent of
 * {@code <prefix>/ranges/serviceips/<ip>}, which only one caller can win; the key is removed
 * when the service is deleted, so an IP is never reused while allocated. Upstream keeps a
 * bitmap in one key instead; the guarantee is the same.
 */
public final class ClusterIPAllocator {
    private final Markers claims;
    private final long base;
    private final int size;

    public ClusterIPAllocator(Markers claims, String cidr) {
        this.claims = claims;
        String[] parts = cidr.split("/");
        this.base = toLong(parts[0]) & mask(Integer.parseInt(parts[1]));
        this.size = (int) Math.min(1L << (32 - Integer.parseInt(parts[1])), 1 << 20);
    }

    private static long mask(int bits) {
        return bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    }

    /** The first usable address: the {@code kubernetes} Service's ClusterIP. */
    public String first() {
        return toIp(base + 1);
    }

    public boolean contains(String ip) {
        try {
            long v = toLong(ip);
            return v > base && v < base + size - 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Claims a specific IP; false if another service holds it. */
    public boolean allocate(String ip, String owner) {
        return claims.claim(ip, owner);
    }

    /** Claims a free IP, starting at a random offset (the first IP is kept for {@code kubernetes}); null when full. */
    public String allocateNext(String owner) {
        int usable = size - 3;
        if (usable <= 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(usable);
        for (int i = 0; i < usable; i++) {
            String ip = toIp(base + 2 + (start + i) % usable);
            if (allocate(ip, owner)) {
                return ip;
            }
        }
        return null;
    }

    public void release(String ip) {
        if (ip != null && contains(ip)) {
            claims.release(ip);
        }
    }

    /** Every claimed IP with its owner ({@code namespace/name}), for the repair loop. */
    public java.util.Map<String, String> allocated() {
        return claims.claims();
    }

    static long toLong(String ip) {
        try {
            byte[] b = InetAddress.getByName(ip).getAddress();
            if (b.length != 4 || !ip.matches("[0-9.]+")) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String toIp(long v) {
        return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
    }
}
