package io.kubej.testcluster.cluster.create.actions;

import io.kubej.pki.ClusterPki;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;

/**
 * The hard way's "Provisioning a CA and Generating TLS Certificates" and "Generating Kubernetes
 * Configuration Files" labs for one machine: the same as {@code kubej pki init}. Existing keys
 * are kept, so a second {@code kubej up} reuses them.
 */
public final class PkiAction implements Action {

    @Override
    public String description() {
        return "Making certificates, kubeconfigs and the encryption config";
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        ClusterConfig c = ctx.config();
        ClusterPki.Spec spec = ClusterPki.Spec.singleNode(c.nodeName(), c.nodeIp())
                .withClusterName(c.clusterName())
                .withServiceCidr(c.serviceCidr());
        ClusterPki.Result result = ClusterPki.init(spec, c.pkiDir());
        ctx.out().printf("        %d files written, %d kept, in %s%n",
                result.written().size(), result.unchanged().size(), c.pkiDir());
    }
}
