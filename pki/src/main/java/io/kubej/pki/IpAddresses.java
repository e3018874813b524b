package io.kubej.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.bouncycastle.util.IPAddress;

/**
 * IP literals and CIDRs, parsed without ever asking DNS (InetAddress.getByName would resolve
 * a host name, so we check the text is a literal first).
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    public static boolean isLiteral(String s) {
        return s != null && (IPAddress.isValidIPv4(s) || IPAddress.isValidIPv6(s));
    }

    public static InetAddress parse(String s) {
        if (!isLiteral(s)) {
            throw new IllegalArgumentException("invalid IP address \"" + s + "\"");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address \"" + s + "\"");
        }
    }

    /**
     * The first usable IP of a CIDR: the API server gives the {@code kubernetes} Service this
     * address (10.32.0.1 for the hard way's 10.32.0.0/24), so it must be in its serving cert.
     */
    public static String firstIp(String cidr) {
        String[] parts = cidr == null ? new String[0] : cidr.split("/", -1);
        if (parts.length != 2 || !isLiteral(parts[0]) || !parts[1].matches("\\d{1,3}")) {
            throw new IllegalArgumentException("invalid CIDR \"" + cidr + "\": expected e.g. 10.32.0.0/24");
        }
        byte[] addr = parse(parts[0]).getAddress();
        int bits = addr.length * 8;
        int prefix = Integer.parseInt(parts[1]);
        if (prefix > bits - 2) {
            throw new IllegalArgumentException("invalid CIDR \"" + cidr + "\": prefix /" + prefix
                    + " leaves no room for service IPs");
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .shiftRight(prefix).not();
        BigInteger network = new BigInteger(1, addr).and(mask);
        return toAddress(network.add(BigInteger.ONE), addr.length);
    }

    private static String toAddress(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        try {
            return InetAddress.getByAddress(out).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
