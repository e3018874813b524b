package io.kubej.proxy.iptables;

import io.kubej.proxy.Endpoint;
import io.kubej.proxy.ServicePort;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The names of kube-proxy's iptables chains.
 *
 * <p>Why hashes: an iptables chain name may be at most 28 characters, far shorter than
 * {@code namespace/name:port}. Upstream names a Service port's chain
 * {@code KUBE-SVC-} + the first 16 characters of base32(sha256(servicePortName + protocol)) with
 * the protocol in lower case, and an endpoint's chain {@code KUBE-SEP-} + the same over
 * servicePortName + protocol + "ip:port" (pkg/proxy/iptables/proxier.go, portProtoHash). kubej
 * uses the same input, so its chain names match what upstream kube-proxy would write.
 */
public final class ChainNames {
    /** Every Service's entry point, jumped to from nat PREROUTING and OUTPUT (and filter OUTPUT, FORWARD). */
    public static final String KUBE_SERVICES = "KUBE-SERVICES";
    /** NodePort Services (a later issue); the last rule of nat KUBE-SERVICES jumps here for local addresses. */
    public static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";
    /** Masquerades packets carrying the masquerade mark; jumped to from nat POSTROUTING. */
    public static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";
    /** Sets the masquerade mark on a packet that must be SNATed on its way out. */
    public static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
    /** Accepts forwarded Service traffic even when the FORWARD policy is DROP. */
    public static final String KUBE_FORWARD = "KUBE-FORWARD";

    public static final String SVC_PREFIX = "KUBE-SVC-";
    public static final String SEP_PREFIX = "KUBE-SEP-";

    private ChainNames() {
    }

    /** {@code KUBE-SVC-<hash>} for one Service port. */
    public static String servicePortChainName(ServicePort port) {
        return SVC_PREFIX + hash16(port.name().toString() + port.iptablesProtocol());
    }

    /** {@code KUBE-SEP-<hash>} for one endpoint of one Service port. */
    public static String servicePortEndpointChainName(ServicePort port, Endpoint endpoint) {
        return SEP_PREFIX + hash16(port.name().toString() + port.iptablesProtocol() + endpoint);
    }

    /** First 16 characters of the standard (RFC 4648, upper case) base32 of SHA-256(input). */
    static String hash16(String input) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return base32(digest).substring(0, 16);
    }

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    /** RFC 4648 base32 without padding (only the first 16 characters are ever used). */
    private static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
