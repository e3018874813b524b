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

    private final ManagedProcess process;
    private final String clientUrl;

    private Etcd(ManagedProcess process, String clientUrl) {
        this.process = process;
        this.clientUrl = clientUrl;
    }

    /** Starts etcd on free loopback ports with its data and log under {@code dir}. */
    public static Etcd start(Path dir, Tls tls) throws IOException {
        return start(dir, tls, Ports.free(), Ports.free());
    }

    public static Etcd start(Path dir, Tls tls, int clientPort, int peerPort) throws IOException {
        String scheme = tls == null ? "http" : "https";
        String clientUrl = scheme + "://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(
                "etcd",
                "--name", "default",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "default=" + peerUrl,
                "--initial-cluster-state", "new",
                "--listen-metrics-urls", "http://127.0.0.1:" + Ports.free()));
        if (tls != null) {
            cmd.addAll(List.of(
                    "--cert-file", tls.certFile().toString(),
                    "--key-file", tls.keyFile().toString(),
                    "--trusted-ca-file", tls.caFile().toString(),
                    "--client-cert-auth"));
        }
        ManagedProcess p = ManagedProcess.start("etcd", cmd, dir.resolve("etcd.log"));
        // etcd logs "ready to serve client requests" once it accepts requests
        p.awaitReady(Duration.ofSeconds(30), () -> p.tail(200).contains("ready to serve client requests"));
        return new Etcd(p, clientUrl);
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
