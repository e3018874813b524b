package io.kubej.testcluster.cluster.create;

import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.cluster.ClusterConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every bring-up step shares: the cluster's config, where to print, and process records. */
public final class ActionContext {
    private final ClusterConfig config;
    private final PrintStream out;

    public ActionContext(ClusterConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public ClusterConfig config() {
        return config;
    }

    public PrintStream out() {
        return out;
    }

    /** Whether the program {@code name} that an earlier {@code kubej up} started still runs. */
    public boolean isRunning(String name) {
        return ClusterProcesses.isRunning(config.runDir().resolve(name + ".pid"));
    }

    /** Remembers a program started elsewhere (e.g. by a node runtime class) for {@code kubej down}. */
    public void recordPid(String name, long pid) throws IOException {
        Files.createDirectories(config.runDir());
        Files.writeString(config.runDir().resolve(name + ".pid"), Long.toString(pid));
    }

    /**
     * Starts one of the cluster's programs detached, with its log in {@code logs/<name>.log} and
     * its pid in {@code run/<name>.pid} (what {@code kubej down} stops).
     */
    public ManagedProcess startProcess(String name, List<String> command) throws IOException {
        Path pidFile = config.runDir().resolve(name + ".pid");
        if (ClusterProcesses.isRunning(pidFile)) {
            throw new IllegalStateException(name + " is already running (pid file " + pidFile
                    + "); run `kubej down` first");
        }
        Files.createDirectories(config.runDir());
        Files.createDirectories(config.logDir());
        Path log = config.logDir().resolve(name + ".log");
        Files.writeString(config.logDir().resolve(name + ".cmdline"), String.join(" \\\n  ", command) + "\n");
        ManagedProcess p = ManagedProcess.start(name, command, log);
        Files.writeString(pidFile, Long.toString(p.pid()));
        return p;
    }

    /** Writes a config file under {@code config/} and returns its path. */
    public Path writeConfig(String fileName, String content) throws IOException {
        Files.createDirectories(config.configDir());
        Path file = config.configDir().resolve(fileName);
        Files.writeString(file, content);
        return file;
    }
}
