package io.kubej.component.server;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The secure port's serving certificate: a chain (serving certificate first) and its key.
 *
 * <p>Read from {@code --tls-cert-file}/{@code --tls-private-key-file}, or, when those are not
 * given, made at start as upstream's {@code GenerateSelfSignedCertKey} does: a throw-away CA
 * ({@code <host>-ca@<unix time>}) signs a serving certificate ({@code <host>@<unix time>}) for
 * {@code localhost}, {@code 127.0.0.1} and the bind address, valid a year. Nobody trusts that
 * CA, which is the point: clients that need to verify the component must be given a real
 * certificate; health probes skip verification, as kubelet HTTPS probes do.
 */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey key) {
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Reads a PEM certificate chain and a PEM private key (PKCS#1, PKCS#8 or SEC1 EC). */
    public static ServingCertificate read(Path certFile, Path keyFile) throws IOException {
        return new ServingCertificate(readCertificates(certFile), readKey(keyFile));
    }

    /** A new self-signed serving certificate for {@code host} and the given alternate names. */
    public static ServingCertificate selfSigned(String host, List<InetAddress> ips, List<String> dnsNames) {
        try {
            long now = Instant.now().getEpochSecond();
            Instant notBefore = Instant.now().minus(Duration.ofHours(1));
            Instant notAfter = notBefore.plus(VALIDITY);
            KeyPair caKey = newKeyPair();
            X500Name caName = new X500Name("CN=" + host + "-ca@" + now);
            var ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(notBefore), Date.from(notAfter), caName, caKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            X509Certificate caCert = sign(ca, caKey.getPrivate());

            KeyPair key = newKeyPair();
            List<GeneralName> names = new ArrayList<>();
            for (InetAddress ip : ips) {
                names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
            }
            for (String dns : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            if (!host.isEmpty() && !dnsNames.contains(host) && !isIp(host)) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            }
            var leaf = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + host + "@" + now), key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            return new ServingCertificate(List.of(sign(leaf, caKey.getPrivate()), caCert), key.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("unable to generate self signed cert: " + e.getMessage(), e);
        }
    }

    /** Writes the chain and key as PEM (the key readable by its owner only), as upstream writes into --cert-dir. */
    public void write(Path certFile, Path keyFile) throws IOException {
        Files.createDirectories(certFile.toAbsolutePath().getParent());
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        StringWriter certs = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(certs)) {
            for (X509Certificate c : chain) {
                w.writeObject(c);
            }
        }
        Files.writeString(certFile, certs.toString());
        StringWriter k = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(k)) {
            w.writeObject(key);
        }
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, k.toString());
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** Every certificate in a PEM bundle (a CA file may hold several). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> certs.add((X509Certificate) c));
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of PEM text (a ConfigMap's {@code client-ca-file}). */
    public static List<X509Certificate> parseCertificates(String pem) throws IOException {
        try {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))
                    .forEach(c -> certs.add((X509Certificate) c));
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IOException(file + " holds no private key");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM);
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder b, PrivateKey signer) throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    }

    private static boolean isIp(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
