package io.kubej.cmd.pki;

import io.kubej.pki.ClusterPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubej pki init}: the whole of the hard way's PKI in one idempotent command. Run it
 * again and it keeps what is there (so the running cluster keeps trusting it); pass
 * {@code --rotate} for new keys and certificates.
 */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create the CA, every component's certificate and kubeconfig, and the encryption config.",
                "Existing keys and certificates are kept unless --rotate is given."})
public final class PkiInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
            description = {"Directory to write into (created if missing).", "Default: ./${DEFAULT-VALUE}"})
    Path dir;

    @Option(names = "--cluster-name", defaultValue = ClusterPki.DEFAULT_CLUSTER_NAME, paramLabel = "NAME",
            description = {"Cluster name in the kubeconfigs (the hard way: kubernetes-the-hard-way).", "Default: ${DEFAULT-VALUE}"})
    String clusterName;

    @Option(names = "--controllers", split = ",", defaultValue = "controller-0=127.0.0.1", paramLabel = "NAME=IP",
            converter = NodeConverter.class,
            description = {"Control-plane machines; their IPs go in the API server certificate.", "Default: ${DEFAULT-VALUE}"})
    List<ClusterPki.Node> controllers;

    @Option(names = "--workers", split = ",", defaultValue = "worker-0=127.0.0.1", paramLabel = "NAME=IP",
            converter = NodeConverter.class,
            description = {"Worker machines; each gets a system:node:NAME certificate and kubeconfig.", "Default: ${DEFAULT-VALUE}"})
    List<ClusterPki.Node> workers;

    @Option(names = "--public-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = {"Address in front of the API servers (KUBERNETES_PUBLIC_ADDRESS); workers' kubeconfigs use https://ADDRESS:6443.", "Default: ${DEFAULT-VALUE}"})
    String publicAddress;

    @Option(names = "--service-cidr", defaultValue = ClusterPki.DEFAULT_SERVICE_CIDR, paramLabel = "CIDR",
            converter = CidrConverter.class,
            description = {"Service IP range (--service-cluster-ip-range); its first IP goes in the API server certificate.", "Default: ${DEFAULT-VALUE}"})
    String serviceCidr;

    @Option(names = "--rotate", description = "Make a new CA, keys and certificates even where valid ones exist (the encryption key is kept).")
    boolean rotate;

    @Override
    public Integer call() throws IOException {
        ClusterPki.Spec pkiSpec = new ClusterPki.Spec(clusterName, controllers, workers, publicAddress,
                serviceCidr, null, null, rotate);
        ClusterPki.Result result;
        try {
            result = ClusterPki.init(pkiSpec, dir);
        } catch (IOException e) {
            throw PkiCommand.describe(e);
        }
        PkiCommand.report(result, spec.commandLine().getOut());
        return 0;
    }
}
