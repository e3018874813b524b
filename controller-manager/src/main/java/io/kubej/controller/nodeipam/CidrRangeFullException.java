package io.kubej.controller.nodeipam;

/** No subnet is left in a cluster CIDR (upstream's ErrCIDRRangeNoCIDRsRemaining). */
public final class CidrRangeFullException extends IllegalStateException {
    CidrRangeFullException(String message) {
        super(message);
    }
}
