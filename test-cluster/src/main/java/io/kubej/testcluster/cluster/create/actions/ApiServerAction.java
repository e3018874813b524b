package io.kubej.testcluster.cluster.create.actions;

import io.kubej.client.Clients;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.ActionContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.BooleanSupplier;

/** kube-apiserver, with the hard way's kube-apiserver.service flags (one controller). */
final class ApiServerAction extends ComponentAction {

    @Override
    String component() {
        return "kube-apiserver";
    }

    @Override
    List<String> flags(ActionContext ctx) {
        ClusterConfig c = ctx.config();
        return List.of(
                "--advertise-address=" + c.nodeIp(),
                "--allow-privileged=true",
                "--authorization-mode=Node,RBAC",
                "--bind-address=0.0.0.0",
                "--secure-port=" + c.apiServerPort(),
                "--client-ca-file=" + c.pki("ca.pem"),
                "--enable-admission-plugins=NamespaceLifecycle,NodeRestriction,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota",
                "--etcd-cafile=" + c.pki("ca.pem"),
                "--etcd-certfile=" + c.pki("kubernetes.pem"),
                "--etcd-keyfile=" + c.pki("kubernetes-key.pem"),
                "--etcd-servers=" + c.etcdUrl(),
                "--event-ttl=1h",
                "--encryption-provider-config=" + c.pki("encryption-config.yaml"),
                "--kubelet-certificate-authority=" + c.pki("ca.pem"),
                "--kubelet-client-certificate=" + c.pki("kubernetes.pem"),
                "--kubelet-client-key=" + c.pki("kubernetes-key.pem"),
                "--service-account-key-file=" + c.pki("service-account.pem"),
                "--service-account-signing-key-file=" + c.pki("service-account-key.pem"),
                "--service-account-issuer=" + c.apiServerUrl(),
                "--service-cluster-ip-range=" + c.serviceCidr(),
                "--service-node-port-range=30000-32767",
                "--tls-cert-file=" + c.pki("kubernetes.pem"),
                "--tls-private-key-file=" + c.pki("kubernetes-key.pem"),
                "--v=2");
    }

    @Override
    BooleanSupplier ready(ActionContext ctx) {
        return () -> {
            try (KubernetesClient admin = Clients.fromKubeconfig(ctx.config().adminKubeconfig(), "kubej-up")) {
                return "ok".equals(admin.raw("/readyz"));
            }
        };
    }
}
