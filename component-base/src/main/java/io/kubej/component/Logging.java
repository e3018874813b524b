package io.kubej.component;

/**
 * Log levels from klog's {@code --v} verbosity.
 *
 * <p>Why: every component (and every library it uses: fabric8, jetcd, Netty, gRPC) logs through
 * SLF4J; the upstream components take {@code --v=N}. klog's convention: 0-1 are what an operator
 * always wants, 2 is the useful steady-state default (the hard way's units pass --v=2), 4 is
 * debug, 6+ is trace. This must run before the first logger is created.
 */
public final class Logging {
    private Logging() {
    }

    public static void configure(int verbosity) {
        String level = verbosity >= 6 ? "trace" : verbosity >= 4 ? "debug" : "info";
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        // Libraries are noisy at info; an operator asks for them with --v=6.
        if (verbosity < 6) {
            for (String chatty : new String[] {"io.netty", "io.grpc", "io.vertx", "io.etcd", "io.fabric8"}) {
                setDefault("org.slf4j.simpleLogger.log." + chatty, "warn");
            }
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
