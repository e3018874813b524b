package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.Probes;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** kube-proxy in iptables mode, configured by the hard way's KubeProxyConfiguration. */
final class KubeProxyAction extends ComponentAction {

    @Override
    String component() {
        return "kube-proxy";
    }

    @Override
    List<String> flags(ActionContext ctx) throws Exception {
        Path config = ctx.writeConfig("kube-proxy-config.yaml", """
                kind: KubeProxyConfiguration
                apiVersion: kubeproxy.config.k8s.io/v1alpha1
                clientConnection:
                  kubeconfig: "%s"
                mode: "iptables"
                clusterCIDR: "%s"
                hostnameOverride: "%s"
                """.formatted(ctx.config().pki("kube-proxy.kubeconfig"), ctx.config().clusterCidr(),
                ctx.config().nodeName()));
        return List.of("--config=" + config);
    }

    @Override
    BooleanSupplier ready(ActionContext ctx) {
        return () -> Probes.httpOk("http://127.0.0.1:10256/healthz");
    }
}
