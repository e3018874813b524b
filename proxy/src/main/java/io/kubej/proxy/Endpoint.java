package io.kubej.proxy;

/**
 * One backend of a Service port: a ready pod address and its target port.
 *
 * <p>Why only ready addresses: kube-proxy sends traffic only where the readiness probe says a pod
 * can take it; not-ready addresses in Endpoints are skipped. Upstream: pkg/proxy/endpoint.go.
 */
public record Endpoint(String ip, int port) {

    /** {@code ip:port}, as in the DNAT target and in the KUBE-SEP chain-name hash. */
    @Override
    public String toString() {
        return ip + ":" + port;
    }
}
