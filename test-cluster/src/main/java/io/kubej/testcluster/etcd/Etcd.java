package io.kubej.testcluster.etcd;

import io.kubej.testcluster.ManagedProcess;
import io.kubej.testcluster.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real etcd (Debian's etcd-server), single member, as the hard way runs it: plain HTTP for
 * quick tests, or with the hard way's TLS flags ({@code --client-cert-auth}).
 */
public final class Etcd implements AutoCloseable {
    /** TLS files as the hard way's etcd.service passes them; null for plain HTTP. */
    public record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    private ManagedProcess process;
    private final String clientUrl;
    private final Path dir;
    private final Tls tls;
    private final int clientPort;
    private final int peerPort;

    private Etcd(ManagedProcess process, String clientUrl, Path dir, Tls tls, int clientPort, int peerPort) {
        this.process = process;
        this.clientUrl = clientUrl;
        this.dir = dir;
        this.tls = tls;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** SIGKILL, as a crash or {@code kill -9}: etcd gets no chance to flush anything. */
    public void kill() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        ManagedProcess.await("etcd exit", java.time.Duration.ofSeconds(10), () -> !process.isAlive());
    }

    /** Starts etcd again on the same data directory and ports (after {@link #kill}). */
    public void restart() throws IOException {
        ManagedProcess p = ManagedProcess.start("etcd", commandLine(dir.resolve("data"), tls, clientPort, peerPort, Ports.free()),
                dir.resolve("etcd.log"));
        awaitReady(p);
        process = p;
    }

    /** Starts etcd on free loopback ports with its data and log under {@code dir}. */
    public static Etcd start(Path dir, Tls tls) throws IOException {
        return start(dir, tls, Ports.free(), Ports.free());
    }

    public static Etcd start(Path dir, Tls tls, int clientPort, int peerPort) throws IOException {
        List<String> cmd = commandLine(dir.resolve("data"), tls, clientPort, peerPort, Ports.free());
        ManagedProcess p = ManagedProcess.start("etcd", cmd, dir.resolve("etcd.log"));
        awaitReady(p);
        return new Etcd(p, clientUrl(tls, clientPort), dir, tls, clientPort, peerPort);
    }

    /**
     * etcd's command line, as the hard way's etcd.service has it (one member, on loopback):
     * with TLS, clients must present a certificate signed by the CA ({@code --client-cert-auth}).
     */
    public static List<String> commandLine(Path dataDir, Tls tls, int clientPort, int peerPort, int metricsPort) {
        String clientUrl = clientUrl(tls, clientPort);
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(
                "etcd",
                "--name", "default",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "default=" + peerUrl,
                "--initial-cluster-token", "kubej",
                "--initial-cluster-state", "new",
                "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
        if (tls != null) {
            cmd.addAll(List.of(
                    "--cert-file", tls.certFile().toString(),
                    "--key-file", tls.keyFile().toString(),
                    "--trusted-ca-file", tls.caFile().toString(),
                    "--client-cert-auth"));
        }
        return cmd;
    }

    /** Waits until etcd logs that it serves clients (it does once it has a leader). */
    public static void awaitReady(ManagedProcess p) {
        p.awaitReady(Duration.ofSeconds(30), () -> p.tail(400).contains("ready to serve client requests"));
    }

    private static String clientUrl(Tls tls, int clientPort) {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    /** e.g. {@code https://127.0.0.1:2379}, as passed to {@code --etcd-servers}. */
    public String clientUrl() {
        return clientUrl;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
