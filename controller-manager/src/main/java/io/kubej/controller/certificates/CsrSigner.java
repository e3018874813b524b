package io.kubej.controller.certificates;

import io.kubej.pki.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Signs approved requests with a CA's key (upstream: pkg/controller/certificates/authority with
 * its PermissiveSigningPolicy): the certificate says what the request asked (subject,
 * subjectAltNames) with the usages of {@code spec.usages}, and lasts
 * {@code --cluster-signing-duration} or the shorter {@code spec.expirationSeconds} (at least
 * 10 minutes), never past the CA's own expiry. It starts 5 minutes early, so a node whose clock
 * is a little behind accepts it at once.
 */
final class CsrSigner {
    static final Duration BACKDATE = Duration.ofMinutes(5);
    static final Duration MIN_DURATION = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** spec.usages -> X.509 key usage bits (upstream's keyUsageDict). */
    private static final Map<String, Integer> KEY_USAGES = Map.ofEntries(
            Map.entry("signing", KeyUsage.digitalSignature), Map.entry("digital signature", KeyUsage.digitalSignature),
            Map.entry("content commitment", KeyUsage.nonRepudiation), Map.entry("key encipherment", KeyUsage.keyEncipherment),
            Map.entry("key agreement", KeyUsage.keyAgreement), Map.entry("data encipherment", KeyUsage.dataEncipherment),
            Map.entry("cert sign", KeyUsage.keyCertSign), Map.entry("crl sign", KeyUsage.cRLSign),
            Map.entry("encipher only", KeyUsage.encipherOnly), Map.entry("decipher only", KeyUsage.decipherOnly));

    /** spec.usages -> extended key usages (upstream's extKeyUsageDict). */
    private static final Map<String, KeyPurposeId> EXT_KEY_USAGES = Map.ofEntries(
            Map.entry("any", KeyPurposeId.anyExtendedKeyUsage), Map.entry("server auth", KeyPurposeId.id_kp_serverAuth),
            Map.entry("client auth", KeyPurposeId.id_kp_clientAuth), Map.entry("code signing", KeyPurposeId.id_kp_codeSigning),
            Map.entry("email protection", KeyPurposeId.id_kp_emailProtection), Map.entry("s/mime", KeyPurposeId.id_kp_emailProtection),
            Map.entry("ipsec end system", KeyPurposeId.id_kp_ipsecEndSystem), Map.entry("ipsec tunnel", KeyPurposeId.id_kp_ipsecTunnel),
            Map.entry("ipsec user", KeyPurposeId.id_kp_ipsecUser), Map.entry("timestamping", KeyPurposeId.id_kp_timeStamping),
            Map.entry("ocsp signing", KeyPurposeId.id_kp_OCSPSigning), Map.entry("microsoft sgc", KeyPurposeId.getInstance(new ASN1ObjectIdentifier("1.3.6.1.4.1.311.10.3.3"))),
            Map.entry("netscape sgc", KeyPurposeId.getInstance(new ASN1ObjectIdentifier("2.16.840.1.113730.4.1"))));

    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final Duration maxDuration;

    CsrSigner(X509Certificate ca, PrivateKey caKey, Duration maxDuration) {
        this.ca = ca;
        this.caKey = caKey;
        this.maxDuration = maxDuration;
    }

    /** Reads {@code --cluster-signing-cert-file} and {@code --cluster-signing-key-file}. */
    static CsrSigner fromFiles(Path certFile, Path keyFile, Duration maxDuration) {
        try {
            return new CsrSigner(Pem.readCertificate(certFile), Pem.readPrivateKey(keyFile), maxDuration);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot load the signing CA " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** Upstream's signer.duration: the request's own duration if shorter, but never under 10 minutes. */
    Duration duration(Integer expirationSeconds) {
        if (expirationSeconds == null) {
            return maxDuration;
        }
        Duration requested = Duration.ofSeconds(expirationSeconds);
        if (requested.compareTo(maxDuration) > 0) {
            return maxDuration;
        }
        return requested.compareTo(MIN_DURATION) < 0 ? MIN_DURATION : requested;
    }

    /** The PEM certificate for {@code request}; an unknown usage is an error. */
    String sign(PKCS10CertificationRequest request, List<String> usages, Integer expirationSeconds, Instant now) {
        try {
            PublicKey publicKey = new JcaPKCS10CertificationRequest(request).getPublicKey();
            Instant notAfter = now.plus(duration(expirationSeconds));
            if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
                notAfter = ca.getNotAfter().toInstant();
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), new BigInteger(127, RANDOM),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), request.getSubject(), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.getPublicKey()));
            int keyUsage = 0;
            List<KeyPurposeId> extended = new ArrayList<>();
            for (String usage : usages == null ? List.<String>of() : usages) {
                if (KEY_USAGES.containsKey(usage)) {
                    keyUsage |= KEY_USAGES.get(usage);
                } else if (EXT_KEY_USAGES.containsKey(usage)) {
                    extended.add(EXT_KEY_USAGES.get(usage));
                } else {
                    throw new IllegalArgumentException("unknown key usage " + usage);
                }
            }
            if (keyUsage != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (!extended.isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extended.toArray(KeyPurposeId[]::new)));
            }
            GeneralNames sans = CertificateRequests.subjectAltNames(request);
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            String algorithm = caKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(caKey)));
            return Pem.encode(cert);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }
}
