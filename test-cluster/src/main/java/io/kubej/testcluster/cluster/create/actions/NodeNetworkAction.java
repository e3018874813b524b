package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import io.kubej.testcluster.HostCommands;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's network, as a worker VM in the hard way has it: an address of its own, IP
 * forwarding, and bridged traffic visible to iptables (br_netfilter) so kube-proxy's rules also
 * apply between pods on the same bridge.
 *
 * <p>The address lives on an interface kubej makes, {@code kubej0}, so nothing leaves the
 * machine. It is a bridge with no ports (these VMs' kernels have no dummy driver), which drops
 * what is sent to it. The service CIDR is routed into it: kube-proxy's DNAT rewrites a ClusterIP
 * to a pod IP before the packet gets there, and a packet no rule matches goes nowhere.
 */
public final class NodeNetworkAction implements Action {
    private static final Path BRIDGE_NF = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");

    @Override
    public String description() {
        return "Preparing the node's network (interface, routes, sysctls)";
    }

    @Override
    public void execute(ActionContext ctx) {
        ClusterConfig c = ctx.config();
        if (!HostCommands.run("ip", "link", "show", c.nodeInterface()).ok()) {
            HostCommands.check("ip", "link", "add", c.nodeInterface(), "type", "bridge");
        }
        HostCommands.check("ip", "addr", "replace", c.nodeIp() + "/32", "dev", c.nodeInterface());
        HostCommands.check("ip", "link", "set", c.nodeInterface(), "up");
        HostCommands.check("ip", "route", "replace", c.serviceCidr(), "dev", c.nodeInterface());
        HostCommands.check("sysctl", "-qw", "net.ipv4.ip_forward=1");
        // br_netfilter may be built in (no modules on these VMs) or a module to load
        if (Files.exists(BRIDGE_NF) || HostCommands.run("modprobe", "br_netfilter").ok()) {
            HostCommands.check("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
        } else {
            ctx.out().println("    warning: br_netfilter is not available; pod-to-service traffic on one bridge may not be NATed");
        }
    }
}
