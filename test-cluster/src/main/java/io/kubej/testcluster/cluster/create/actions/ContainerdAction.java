package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import io.kubej.testcluster.node.Containerd;

/**
 * The node's container runtime: containerd with its CRI plugin, CNI bridge networking on the
 * node's pod CIDR (the hard way's 10-bridge.conf) and registry mirrors to the local registry.
 */
public final class ContainerdAction implements Action {

    @Override
    public String description() {
        return "Starting containerd (CRI, CNI bridge networking)";
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        if (ctx.isRunning("containerd")) {
            ctx.out().println("        already running");
            return;
        }
        ClusterConfig c = ctx.config();
        Containerd containerd = Containerd.start(spec(c));
        ctx.recordPid("containerd", containerd.process().pid());
    }

    /** The single node's runtime: bridge cnio0, network "bridge", the node's pod CIDR. */
    public static Containerd.Spec spec(ClusterConfig c) {
        return Containerd.Spec.hardWay(c.containerdDir(), c.registryPort(), c.podCidr());
    }
}
