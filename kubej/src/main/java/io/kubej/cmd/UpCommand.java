package io.kubej.cmd;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.create.ClusterCreator;
import io.kubej.testcluster.cluster.create.actions.Actions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubej up}: a single-node cluster on this machine, made the way the hard way makes one
 * across VMs: certificates, etcd, the control plane, then the worker. Each step is printed and
 * awaited by its readiness; every component runs as its own process with its own log.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Bring up a single-node kubej cluster on this machine (needs root).")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "/var/lib/kubej",
            description = "Where the cluster keeps its state, certificates and logs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ClusterConfig config = ClusterConfig.defaults(dir.toAbsolutePath().normalize());
        System.out.println("Creating a single-node kubej cluster in " + config.dir());
        Duration took = new ClusterCreator(Actions.singleNode()).create(config, System.out);
        System.out.printf("%nkubej is up (%.1fs). Use it with the real kubectl:%n", took.toMillis() / 1000.0);
        System.out.println("  export KUBECONFIG=" + config.adminKubeconfig());
        System.out.println("  kubectl get nodes");
        System.out.println("Component logs: " + config.logDir() + "; remove everything with: kubej down"
                + (dir.toString().equals("/var/lib/kubej") ? "" : " --dir " + config.dir()));
        return 0;
    }
}
