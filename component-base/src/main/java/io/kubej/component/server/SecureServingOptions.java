package io.kubej.component.server;

import io.kubej.component.ConfigurationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The secure port's flags (upstream: {@code k8s.io/apiserver/pkg/server/options.SecureServingOptions}),
 * mixed into kube-controller-manager (10257) and kube-scheduler (10259); each sets its own port
 * and certificate pair name.
 */
public final class SecureServingOptions {
    private static final Logger log = LoggerFactory.getLogger(SecureServingOptions.class);

    @Option(names = "--bind-address", description = "The IP address to serve --secure-port on (0.0.0.0 or :: for every interface).")
    public String bindAddress = "0.0.0.0";

    @Option(names = "--secure-port", description = "The port to serve HTTPS with authentication and authorization on; 0 turns serving off.")
    public int bindPort;

    @Option(names = "--cert-dir", description = "Where the self-signed serving certificate is kept when --tls-cert-file is not given (empty: in memory only).")
    public String certDir = "";

    @Option(names = "--tls-cert-file", description = "The serving certificate (PEM, with any intermediates after it).")
    public Path tlsCertFile;

    @Option(names = "--tls-private-key-file", description = "The serving certificate's private key (PEM).")
    public Path tlsPrivateKeyFile;

    @Option(names = "--tls-min-version", description = "The oldest TLS version served: VersionTLS12 or VersionTLS13 (default VersionTLS12).")
    public String tlsMinVersion;

    @Option(names = "--tls-cipher-suites", split = ",", description = "Accepted; kubej uses the JDK's default cipher suites.")
    public List<String> tlsCipherSuites;

    /** Names the generated pair in --cert-dir ({@code <pairName>.crt}, {@code .key}); not a flag. */
    private final String pairName;

    public SecureServingOptions(String pairName, int defaultPort) {
        this.pairName = pairName;
        this.bindPort = defaultPort;
    }

    /** Whether the secure port is served at all ({@code --secure-port=0} turns it off, as upstream). */
    public boolean enabled() {
        return bindPort != 0;
    }

    /** The TLS protocol versions {@code --tls-min-version} allows. */
    List<String> protocols() throws ConfigurationException {
        String min = tlsMinVersion == null || tlsMinVersion.isEmpty() ? "VersionTLS12" : tlsMinVersion;
        return switch (min) {
            case "VersionTLS10" -> List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
            case "VersionTLS11" -> List.of("TLSv1.3", "TLSv1.2", "TLSv1.1");
            case "VersionTLS12" -> List.of("TLSv1.3", "TLSv1.2");
            case "VersionTLS13" -> List.of("TLSv1.3");
            default -> throw new ConfigurationException("--tls-min-version: unknown TLS version " + min
                    + " (one of VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13)");
        };
    }

    /**
     * The serving certificate, as upstream's {@code MaybeDefaultWithSelfSignedCerts}: the given
     * files; else the pair in --cert-dir if readable; else a new self-signed one for localhost,
     * 127.0.0.1 and the bind address, written into --cert-dir when one is given.
     */
    ServingCertificate servingCertificate() throws ConfigurationException {
        if (tlsCertFile != null || tlsPrivateKeyFile != null) {
            if (tlsCertFile == null || tlsPrivateKeyFile == null) {
                throw new ConfigurationException("--tls-cert-file and --tls-private-key-file must be given together");
            }
            return read(tlsCertFile, tlsPrivateKeyFile);
        }
        Path cert = null;
        Path key = null;
        if (certDir != null && !certDir.isEmpty()) {
            cert = Path.of(certDir, pairName + ".crt");
            key = Path.of(certDir, pairName + ".key");
            if (Files.isReadable(cert) && Files.isReadable(key)) {
                return read(cert, key);
            }
        }
        List<InetAddress> ips = new ArrayList<>(List.of(InetAddress.getLoopbackAddress()));
        List<String> dns = new ArrayList<>();
        InetAddress bind = bindInetAddress();
        if (bind.isAnyLocalAddress()) {
            dns.add("localhost");
        } else if (!ips.contains(bind)) {
            ips.add(bind);
        }
        ServingCertificate generated = ServingCertificate.selfSigned("localhost", ips, dns);
        if (cert != null) {
            try {
                generated.write(cert, key);
            } catch (IOException e) {
                throw new ConfigurationException("--cert-dir " + certDir + ": cannot write the self-signed certificate: " + e.getMessage());
            }
            log.info("Generated self-signed cert ({}, {})", cert, key);
        } else {
            log.info("Generated self-signed cert in-memory");
        }
        return generated;
    }

    InetAddress bindInetAddress() throws ConfigurationException {
        try {
            return InetAddress.getByName(bindAddress == null || bindAddress.isEmpty() ? "0.0.0.0" : bindAddress);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("--bind-address " + bindAddress + " is not an IP address");
        }
    }

    private static ServingCertificate read(Path cert, Path key) throws ConfigurationException {
        try {
            return ServingCertificate.read(cert, key);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the serving certificate " + cert + " / " + key + ": " + e.getMessage());
        }
    }
}
