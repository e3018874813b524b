package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.Probes;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** kube-scheduler, configured by a KubeSchedulerConfiguration file as in the hard way. */
final class SchedulerAction extends ComponentAction {

    @Override
    String component() {
        return "kube-scheduler";
    }

    @Override
    List<String> flags(ActionContext ctx) throws Exception {
        Path config = ctx.writeConfig("kube-scheduler.yaml", """
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                clientConnection:
                  kubeconfig: "%s"
                leaderElection:
                  leaderElect: true
                """.formatted(ctx.config().pki("kube-scheduler.kubeconfig")));
        return List.of("--config=" + config, "--v=2");
    }

    @Override
    BooleanSupplier ready(ActionContext ctx) {
        return () -> Probes.httpOk("https://127.0.0.1:10259/healthz");
    }
}
