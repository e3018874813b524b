package io.kubej.component;

import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Flags every upstream component accepts through klog, mixed into each kubej command.
 *
 * <p>Why: a learner's hard-way unit files pass these; kubej must accept them unchanged. {@code --v}
 * is honoured (see {@link Logging}); the rest only make sense for the Go binaries and are
 * accepted with a warning, never silently misread.
 */
public class GoOnlyFlags {

    @Option(names = {"--v", "-v"}, paramLabel = "N", description = "Log verbosity (klog): 0-2 info, 4 debug, 6+ trace.")
    public int verbosity = 2;

    @Option(names = "--logtostderr", arity = "0..1", hidden = true)
    Boolean logtostderr;

    @Option(names = "--alsologtostderr", arity = "0..1", hidden = true)
    Boolean alsologtostderr;

    @Option(names = "--log-dir", hidden = true)
    String logDir;

    @Option(names = "--log-file", hidden = true)
    String logFile;

    @Option(names = "--vmodule", hidden = true)
    String vmodule;

    /** Configures logging and warns about each accepted-but-ignored flag. Call first in main. */
    public void apply() {
        Logging.configure(verbosity);
        warnIgnored("--logtostderr", logtostderr, "kubej always logs to stderr (journald keeps it under systemd)");
        warnIgnored("--alsologtostderr", alsologtostderr, "kubej always logs to stderr");
        warnIgnored("--log-dir", logDir, "kubej logs to stderr; redirect it to a file if needed");
        warnIgnored("--log-file", logFile, "kubej logs to stderr; redirect it to a file if needed");
        warnIgnored("--vmodule", vmodule, "per-file verbosity is a Go klog feature");
    }

    /** Logs the standard warning for a flag kubej accepts but does not honour. */
    public static void warnIgnored(String flag, Object value, String why) {
        if (value != null) {
            LoggerFactory.getLogger("flags").warn("flag {}={} is accepted but ignored: {}", flag, value, why);
        }
    }
}
