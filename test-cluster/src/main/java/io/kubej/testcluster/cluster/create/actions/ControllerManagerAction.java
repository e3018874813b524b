package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.Probes;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.util.List;
import java.util.function.BooleanSupplier;

/** kube-controller-manager, with the hard way's unit flags. */
final class ControllerManagerAction extends ComponentAction {

    @Override
    String component() {
        return "kube-controller-manager";
    }

    @Override
    List<String> flags(ActionContext ctx) {
        ClusterConfig c = ctx.config();
        return List.of(
                "--bind-address=127.0.0.1",
                "--cluster-cidr=" + c.clusterCidr(),
                "--cluster-name=" + c.clusterName(),
                "--cluster-signing-cert-file=" + c.pki("ca.pem"),
                "--cluster-signing-key-file=" + c.pki("ca-key.pem"),
                "--kubeconfig=" + c.pki("kube-controller-manager.kubeconfig"),
                "--leader-elect=true",
                "--root-ca-file=" + c.pki("ca.pem"),
                "--service-account-private-key-file=" + c.pki("service-account-key.pem"),
                "--service-cluster-ip-range=" + c.serviceCidr(),
                "--use-service-account-credentials=true",
                "--v=2");
    }

    @Override
    BooleanSupplier ready(ActionContext ctx) {
        return () -> Probes.httpOk("https://127.0.0.1:10257/healthz");
    }
}
