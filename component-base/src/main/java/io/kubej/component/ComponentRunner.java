package io.kubej.component;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one component as a process: start it, serve its health and metrics, and on SIGTERM
 * (systemd's stop, {@code kubej down}) close it cleanly before the JVM exits.
 */
public final class ComponentRunner {
    private static final Logger log = LoggerFactory.getLogger(ComponentRunner.class);

    private ComponentRunner() {
    }

    /**
     * What a component does when it can no longer do its job (its caches never synced, it lost
     * its leader lease): log why and exit non-zero at once, as upstream's components do, so that
     * systemd restarts it with fresh watches. Tests that run components in-process set
     * {@code -Dkubej.inProcess=true} to keep the JVM; the caller then reports unhealthy.
     */
    public static void exitFatally(String component, String reason) {
        log.error("{}: {}; exiting", component, reason);
        if (!Boolean.getBoolean("kubej.inProcess")) {
            Runtime.getRuntime().halt(1);
        }
    }

    /** Opens a component's health and metrics server once the component started; null when it serves none. */
    @FunctionalInterface
    public interface ServerStarter {
        ComponentServer start() throws Exception;
    }

    /**
     * Starts {@code component}, serves {@code /healthz} and {@code /metrics} over plain HTTP on
     * healthHost:healthPort (skipped when healthPort < 0, for a component that serves them
     * itself), and blocks until the JVM is asked to stop. Returns the process exit code.
     */
    public static int run(Component component, String healthHost, int healthPort) {
        return run(component, () -> {
            if (healthPort < 0) {
                return null;
            }
            ComponentServer server = ComponentServer.start(component, healthHost, healthPort);
            log.info("{}: serving /healthz and /metrics on {}:{}", component.name(), healthHost, server.port());
            return server;
        });
    }

    /**
     * Starts {@code component}, then its server (for kube-controller-manager and kube-scheduler,
     * the secure port), and blocks until the JVM is asked to stop. Returns the process exit code.
     */
    public static int run(Component component, ServerStarter serving) {
        CountDownLatch stopped = new CountDownLatch(1);
        ComponentServer[] health = new ComponentServer[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: shutting down", component.name());
            try {
                component.close();
                if (health[0] != null) {
                    health[0].close();
                }
            } finally {
                stopped.countDown();
            }
            log.info("{}: stopped", component.name());
        }, "shutdown"));
        try {
            component.start();
            health[0] = serving.start();
            log.info("{}: started", component.name());
        } catch (ConfigurationException e) {
            // the user's mistake in a flag or file: one line naming it, no stack trace
            log.error("{}: failed to start: {}", component.name(), e.getMessage());
            return 1;
        } catch (Exception e) {
            log.error("{}: failed to start: {}", component.name(), e.toString(), e);
            return 1;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
