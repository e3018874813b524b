package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.create.Action;
import java.util.List;

/**
 * The steps of a single-node cluster, in the order the hard way takes them: certificates, etcd,
 * the control plane, then the worker (its runtime, kubelet, kube-proxy).
 */
public final class Actions {
    private Actions() {
    }

    public static List<Action> singleNode() {
        return List.of(
                new PkiAction(),
                new EtcdAction(),
                new ApiServerAction(),
                new ControllerManagerAction(),
                new SchedulerAction(),
                new NodeNetworkAction(),
                new RegistryAction(),
                new ContainerdAction(),
                new KubeletAction(),
                new KubeProxyAction(),
                new WaitForNodeReadyAction());
    }
}
