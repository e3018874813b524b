package io.kubej.testcluster.cluster.create.actions;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the node reports the Ready condition True, as `kubectl get nodes` shows it, and
 * until the controller manager has made the {@code default} namespace's {@code default}
 * ServiceAccount, without which the ServiceAccount admission plugin refuses every pod there
 * (kind waits for the same).
 */
public final class WaitForNodeReadyAction implements Action {

    @Override
    public String description() {
        return "Waiting for the node to be Ready and the default service account";
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        String name = ctx.config().nodeName();
        try (KubernetesClient admin = Clients.fromKubeconfig(ctx.config().adminKubeconfig(), "kubej-up")) {
            // a watch, not a polling loop: the informer behind it sees the kubelet's status updates
            admin.nodes().withName(name).waitUntilCondition(WaitForNodeReadyAction::isReady, 90, TimeUnit.SECONDS);
            admin.serviceAccounts().inNamespace("default").withName("default")
                    .waitUntilCondition(java.util.Objects::nonNull, 60, TimeUnit.SECONDS);
        }
    }

    static boolean isReady(Node node) {
        return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
