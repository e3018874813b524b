package io.kubej.cmd;

import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.cluster.delete.ClusterDeleter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubej down}: stop what {@code kubej up} started and remove what it made. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the cluster kubej up started and remove its processes, interfaces, iptables rules and state.")
public final class DownCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "/var/lib/kubej",
            description = "The cluster's state directory, as given to kubej up (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ClusterConfig config = ClusterConfig.defaults(dir.toAbsolutePath().normalize());
        new ClusterDeleter().delete(config, System.out);
        System.out.println("kubej is down.");
        return 0;
    }
}
