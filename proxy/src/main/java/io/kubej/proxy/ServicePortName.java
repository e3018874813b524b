package io.kubej.proxy;

/**
 * Names one port of one Service: {@code namespace/name:portName}, the unit kube-proxy programs.
 *
 * <p>Why: a Service with two ports (say 80 and 443) is two independent load balancers; both the
 * chain names and the rule comments a learner sees in {@code iptables-save} are built from this
 * string. The port name is empty for a Service with a single unnamed port, and then the string
 * has no {@code :} part (upstream: pkg/proxy/types.go, ServicePortName.String).
 */
public record ServicePortName(String namespace, String name, String port) {

    public ServicePortName {
        port = port == null ? "" : port;
    }

    @Override
    public String toString() {
        return namespace + "/" + name + (port.isEmpty() ? "" : ":" + port);
    }
}
