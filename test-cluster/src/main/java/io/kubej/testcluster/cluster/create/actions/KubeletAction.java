package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.Probes;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The kubelet, with the hard way's kubelet.service flags and KubeletConfiguration. */
final class KubeletAction extends ComponentAction {

    @Override
    String component() {
        return "kubelet";
    }

    @Override
    List<String> flags(ActionContext ctx) throws Exception {
        ClusterConfig c = ctx.config();
        String node = c.nodeName();
        Path config = ctx.writeConfig("kubelet-config.yaml", """
                kind: KubeletConfiguration
                apiVersion: kubelet.config.k8s.io/v1beta1
                authentication:
                  anonymous:
                    enabled: false
                  webhook:
                    enabled: true
                  x509:
                    clientCAFile: "%s"
                authorization:
                  mode: Webhook
                clusterDomain: "cluster.local"
                clusterDNS:
                  - "%s"
                podCIDR: "%s"
                resolvConf: "/etc/resolv.conf"
                runtimeRequestTimeout: "15m"
                tlsCertFile: "%s"
                tlsPrivateKeyFile: "%s"
                """.formatted(c.pki("ca.pem"), c.clusterDns(), c.podCidr(), c.pki(node + ".pem"), c.pki(node + "-key.pem")));
        return List.of(
                "--config=" + config,
                "--container-runtime-endpoint=unix://" + c.containerdSocket(),
                "--kubeconfig=" + c.pki(node + ".kubeconfig"),
                "--hostname-override=" + node,
                "--node-ip=" + c.nodeIp(),
                "--register-node=true",
                "--v=2");
    }

    @Override
    BooleanSupplier ready(ActionContext ctx) {
        return () -> Probes.httpOk("http://127.0.0.1:10248/healthz");
    }
}
