package io.kubej.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text for certificates and private keys, the format every Kubernetes flag
 * ({@code --tls-cert-file}, {@code --client-key}, ...) and kubeconfig expects.
 *
 * <p>Private keys are written as PKCS#8 ({@code BEGIN PRIVATE KEY}). cfssl writes PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}); Go (etcd, kubectl), openssl and fabric8 read both, but the
 * JDK and Netty (without BouncyCastle on the class path) only read PKCS#8, so PKCS#8 works
 * everywhere. Reading accepts both, so files made by cfssl can be reused.
 */
public final class Pem {
    private Pem() {
    }

    public static String encode(X509Certificate cert) {
        try {
            return encode("CERTIFICATE", cert.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String encode(PrivateKey key) {
        // PrivateKey.getEncoded() of a JDK RSA key is a PKCS#8 PrivateKeyInfo
        return encode("PRIVATE KEY", key.getEncoded());
    }

    private static String encode(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static X509Certificate readCertificate(Path file) throws IOException {
        return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static X509Certificate parseCertificate(String pem, String source) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(source + " does not hold a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}) key. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static PrivateKey parsePrivateKey(String pem, String source) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IOException(source + " does not hold an unencrypted PEM private key");
        }
    }
}
