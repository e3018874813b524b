package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.Ports;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import io.kubej.testcluster.etcd.Etcd;

/** etcd with mTLS, as the hard way's etcd.service: the kubernetes certificate serves it. */
public final class EtcdAction implements Action {

    @Override
    public String description() {
        return "Starting etcd (mTLS, client certificates required)";
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        ClusterConfig c = ctx.config();
        if (ctx.isRunning("etcd")) {
            ctx.out().println("        already running");
            return;
        }
        Etcd.Tls tls = new Etcd.Tls(c.pki("ca.pem"), c.pki("kubernetes.pem"), c.pki("kubernetes-key.pem"));
        ManagedProcess etcd = ctx.startProcess("etcd",
                Etcd.commandLine(c.dir().resolve("etcd"), tls, c.etcdClientPort(), c.etcdPeerPort(), Ports.free()));
        Etcd.awaitReady(etcd);
    }
}
