package io.kubej.proxy;

/**
 * What kube-proxy needs to know about one Service port: where clients send traffic
 * (clusterIP:port, protocol) and which endpoint port it goes to is decided by the Endpoints.
 *
 * <p>Protocol is upstream's spelling (TCP, UDP, SCTP). Upstream: pkg/proxy/serviceport.go
 * (BaseServicePortInfo); NodePort and load-balancer fields come with later issues.
 */
public record ServicePort(ServicePortName name, String clusterIP, int port, String protocol) {

    /** iptables' {@code -p} value: tcp, udp or sctp. */
    public String iptablesProtocol() {
        return protocol.toLowerCase(java.util.Locale.ROOT);
    }
}
