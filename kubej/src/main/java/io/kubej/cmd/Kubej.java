package io.kubej.cmd;

import io.kubej.cmd.pki.PkiCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kubej} command: the learner's entry point to the lab around the components.
 * {@code kubej pki} makes the hard way's certificates and kubeconfigs; {@code kubej up} and
 * {@code kubej down} bring a single-node cluster up and tear it down.
 */
@Command(name = "kubej", mixinStandardHelpOptions = true, version = "kubej 0.1.0",
        description = "Kubernetes, the hard way, in Java.",
        subcommands = {PkiCommand.class, UpCommand.class, DownCommand.class})
public final class Kubej {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with kubej's error style: one clear line on stderr, non-zero exit. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Kubej());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        // bad flags or values: the same one line, plus where to look, instead of the full usage text
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + oneLine(e.getMessage()) + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", "; ").strip();
    }
}
