package io.kubej.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: what {@code cfssl gencert -initca ca-csr.json} makes and
 * what {@code cfssl gencert -ca=ca.pem -ca-key=ca-key.pem -profile=kubernetes} signs with.
 * Every component trusts certificates chained to this one CA ({@code --client-ca-file},
 * {@code --trusted-ca-file}, kubeconfigs' certificate-authority-data).
 */
public final class CertificateAuthority {
    /** cfssl's csr key request in the hard way: {"algo": "rsa", "size": 2048}. */
    static final int RSA_BITS = 2048;
    /** The hard way's ca-config.json signing expiry: 8760h. */
    public static final Duration LEAF_VALIDITY = Duration.ofHours(8760);
    /** cfssl's -initca default expiry (5 years), so the CA outlives the certs it signs. */
    public static final Duration CA_VALIDITY = Duration.ofHours(43800);
    /** Backdating, as cfssl does, so a slightly slow clock elsewhere still accepts a new cert. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /** A new self-signed CA: CN Kubernetes, O Kubernetes, OU CA (the hard way's ca-csr.json). */
    public static CertificateAuthority create() {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Kubernetes")
                .addRDN(BCStyle.OU, "CA")
                .addRDN(BCStyle.CN, "Kubernetes")
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(subject, subject, pair.getPublic(), CA_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the CA: " + e.getMessage(), e);
        }
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(RSA_BITS, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code publicKey} with this CA, saying what {@code request} asks for. */
    public X509Certificate issue(CertificateRequest request, PublicKey publicKey) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    subject(request), publicKey, LEAF_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(request))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            if (!request.sans().isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(request.sans()));
            }
            return sign(b, key);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue " + request.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * True when {@code cert} was signed by this CA and says exactly what {@code request} asks
     * for, so re-running {@code kubej pki init} can keep it.
     */
    public boolean satisfies(X509Certificate cert, CertificateRequest request) {
        try {
            cert.verify(certificate.getPublicKey());
            cert.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(7))));
            X500Name want = subject(request);
            X500Name have = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
            List<String> eku = cert.getExtendedKeyUsage() == null ? List.of() : cert.getExtendedKeyUsage();
            return want.equals(have)
                    && sanSet(cert).equals(normalized(request.sans()))
                    && eku.contains(KeyPurposeId.id_kp_clientAuth.getId()) == request.client()
                    && eku.contains(KeyPurposeId.id_kp_serverAuth.getId()) == request.server();
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X500Name subject(CertificateRequest request) {
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
        // one O RDN per group, as cfssl writes a csr's "names" list; the API server reads them all as groups
        for (String org : request.organizations()) {
            nb.addRDN(BCStyle.O, org);
        }
        nb.addRDN(BCStyle.CN, request.commonName());
        return nb.build();
    }

    private static Set<String> normalized(List<String> sans) {
        Set<String> out = new HashSet<>();
        for (String s : sans) {
            out.add(IpAddresses.isLiteral(s) ? IpAddresses.parse(s).getHostAddress() : s);
        }
        return out;
    }

    private static Set<String> sanSet(X509Certificate cert) throws GeneralSecurityException {
        Set<String> out = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                String v = String.valueOf(san.get(1));
                out.add(IpAddresses.isLiteral(v) ? IpAddresses.parse(v).getHostAddress() : v);
            }
        }
        return out;
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateRequest request) {
        List<KeyPurposeId> ids = new ArrayList<>();
        if (request.server()) {
            ids.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (request.client()) {
            ids.add(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(ids.toArray(KeyPurposeId[]::new));
    }

    private static GeneralNames subjectAltNames(List<String> sans) {
        GeneralName[] names = sans.stream()
                .map(s -> IpAddresses.isLiteral(s)
                        ? new GeneralName(GeneralName.iPAddress, s)
                        : new GeneralName(GeneralName.dNSName, s))
                .toArray(GeneralName[]::new);
        return new GeneralNames(names);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
                                                    Duration validity) {
        Instant now = Instant.now();
        // random positive serial (RFC 5280 allows up to 20 octets); cfssl also uses random serials
        BigInteger serial = new BigInteger(159, RANDOM);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner cs = new JcaContentSignerBuilder("SHA256withRSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(cs));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
