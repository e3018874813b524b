package io.kubej.cmd.pki;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code kubej pki}: the hard way's certificate labs. {@code init} does what the labs' cfssl
 * and {@code kubectl config} commands do for the whole cluster; {@code issue} is one extra
 * {@code cfssl gencert -ca=ca.pem -ca-key=ca-key.pem} for a certificate of your own.
 */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Make the cluster's certificates, kubeconfigs and encryption config.",
        subcommands = {PkiInitCommand.class, PkiIssueCommand.class})
public final class PkiCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code kubej pki} alone: say what is missing, in the same one-line style as other errors. */
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: use 'kubej pki init' or 'kubej pki issue'");
    }

    /** Prints each file a run wrote, and how many it kept as they were. */
    static void report(io.kubej.pki.ClusterPki.Result result, java.io.PrintWriter out) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p : result.written()) {
            out.println("wrote " + (p.startsWith(cwd) ? cwd.relativize(p) : p));
        }
        List<Path> kept = result.unchanged();
        if (!kept.isEmpty()) {
            out.println("kept " + kept.size() + " existing file" + (kept.size() == 1 ? "" : "s")
                    + " unchanged" + (result.written().isEmpty() ? " (nothing to do)" : ""));
        }
        out.flush();
    }

    /**
     * An I/O error as one readable line: NIO's exceptions often carry only a path as their
     * message ("/x/y"), which tells a learner nothing.
     */
    static IOException describe(IOException e) {
        if (e instanceof FileSystemException fse) {
            String reason = fse.getReason() != null ? fse.getReason()
                    : e.getClass().getSimpleName().replace("Exception", "")
                    .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
            return new IOException("cannot write " + fse.getFile() + ": " + reason, e);
        }
        return e;
    }
}
