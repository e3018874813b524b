package io.kubej.cmd.pki;

import io.kubej.pki.CertificateRequest;
import io.kubej.pki.ClusterPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubej pki issue}: one more certificate from the cluster's CA, e.g. a user for RBAC
 * exercises (the API server reads the user from CN and the groups from each O).
 */
@Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Issue one certificate (NAME.pem, NAME-key.pem) signed by the CA in --dir.",
                "Without --client or --server the certificate allows both, like cfssl's kubernetes profile."})
public final class PkiIssueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
            description = "Directory holding ca.pem and ca-key.pem. Default: ./${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "File name stem.")
    String name;

    @Option(names = "--cn", required = true, paramLabel = "CN", description = "Subject common name (the user name).")
    String commonName;

    @Option(names = "--org", paramLabel = "O", description = "Subject organization (a group); repeatable.")
    List<String> orgs = new ArrayList<>();

    @Option(names = "--san", split = ",", paramLabel = "HOST-OR-IP",
            description = "Subject alternative name (DNS name or IP); repeatable.")
    List<String> sans = new ArrayList<>();

    @Option(names = "--client", description = "Allow TLS client authentication.")
    boolean client;

    @Option(names = "--server", description = "Allow TLS server authentication.")
    boolean server;

    @Option(names = "--rotate", description = "Make a new key and certificate even if valid ones exist.")
    boolean rotate;

    @Override
    public Integer call() throws IOException {
        boolean both = !client && !server;
        CertificateRequest request = new CertificateRequest(name, commonName, orgs, sans,
                both || client, both || server);
        ClusterPki.Result result;
        try {
            result = ClusterPki.issue(dir, request, rotate);
        } catch (IOException e) {
            throw PkiCommand.describe(e);
        }
        PkiCommand.report(result, spec.commandLine().getOut());
        return 0;
    }
}
