package io.kubej.testcluster.cluster.create.actions;

import io.kubej.testcluster.cluster.create.Action;
import io.kubej.testcluster.cluster.create.ActionContext;
import io.kubej.testcluster.node.Images;
import io.kubej.testcluster.node.Registry;

/**
 * The cluster's image registry, and the images the lab's manifests name, built here from
 * Debian packages (no public registry is reachable) and pushed to it. containerd pulls them
 * through its registry mirrors, as a node pulls from docker.io or registry.k8s.io.
 */
public final class RegistryAction implements Action {

    @Override
    public String description() {
        return "Starting the image registry and pushing the lab's images";
    }

    @Override
    public void execute(ActionContext ctx) throws Exception {
        if (ctx.isRunning("registry")) {
            ctx.out().println("        already running");
            return;
        }
        Registry registry = Registry.start(ctx.config().dir().resolve("registry"), ctx.config().registryPort());
        ctx.recordPid("registry", registry.process().pid());
        Images images = Images.inDefaultCache();
        for (Images.Recipe recipe : Images.ALL) {
            images.push(recipe, registry);
            ctx.out().println("        pushed " + recipe.reference());
        }
    }
}
