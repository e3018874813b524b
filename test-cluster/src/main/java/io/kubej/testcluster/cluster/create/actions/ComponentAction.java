package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Starts one kubej component from its launcher in {@code bin/} with the flags the hard way's
 * systemd unit passes, and waits for its readiness probe. The subclasses say only which flags
 * and which probe: the same command line a learner puts in {@code ExecStart=}.
 */
abstract class ComponentAction implements Action {

    /** The component's name, which is also its launcher: bin/kube-apiserver, bin/kubelet, ... */
    abstract String component();

    /** The flags, as in the hard way's unit file. */
    abstract List<String> flags(ActionContext ctx) throws Exception;

    /** True once the component can do its job. */
    abstract BooleanSupplier ready(ActionContext ctx);

    Duration readyTimeout() {
        return Duration.ofSeconds(90);
    }

    @Override
    public String description() {
        return "Starting " + component();
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        if (ctx.isRunning(component())) {
            // a second `kubej up` checks, and starts nothing twice
            ctx.out().println("        already running");
            ManagedProcess.await(component(), readyTimeout(), ready(ctx));
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(KubejHome.launcher(component()).toString());
        cmd.addAll(flags(ctx));
        ManagedProcess p = ctx.startProcess(component(), cmd);
        p.awaitReady(readyTimeout(), ready(ctx));
    }
}
