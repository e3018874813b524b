package io.kubej.apiserver.serviceaccount;

import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the key files of {@code --service-account-signing-key-file} (a private key) and
 * {@code --service-account-key-file} (public keys that verify, given as public keys,
 * certificates or private keys, any number per file), as upstream's {@code keyutil} does.
 * BouncyCastle's PEM parser knows every encoding a learner's openssl or cfssl produces.
 */
public final class ServiceAccountKeys {
    private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

    private ServiceAccountKeys() {
    }

    public static PrivateKey privateKey(Path file) throws IOException {
        for (Object o : pemObjects(file)) {
            if (o instanceof PEMKeyPair pair) {
                return CONVERTER.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return CONVERTER.getPrivateKey(info);
            }
        }
        throw new IOException(file + " holds no private key");
    }

    /** The public half of a private key file, so a signer's own tokens always verify. */
    public static PublicKey publicKeyOfPrivate(Path file) throws IOException {
        for (Object o : pemObjects(file)) {
            if (o instanceof PEMKeyPair pair) {
                return CONVERTER.getKeyPair(pair).getPublic();
            }
            if (o instanceof PrivateKeyInfo info) {
                return publicOf(CONVERTER.getPrivateKey(info), file);
            }
        }
        throw new IOException(file + " holds no private key");
    }

    /** An RSA private key carries its public exponent; an EC one's public point is d x G. */
    private static PublicKey publicOf(PrivateKey key, Path file) throws IOException {
        try {
            if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
                return java.security.KeyFactory.getInstance("RSA")
                        .generatePublic(new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                var spec = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(ec.getParams());
                var q = spec.getG().multiply(ec.getS()).normalize();
                var point = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(point, ec.getParams()));
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        throw new IOException(file + " holds a " + key.getAlgorithm() + " key; service-account keys must be RSA or ECDSA");
    }

    public static List<PublicKey> publicKeys(Path file) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Object o : pemObjects(file)) {
            if (o instanceof SubjectPublicKeyInfo spki) {
                keys.add(CONVERTER.getPublicKey(spki));
            } else if (o instanceof X509CertificateHolder cert) {
                keys.add(CONVERTER.getPublicKey(cert.getSubjectPublicKeyInfo()));
            } else if (o instanceof PEMKeyPair pair) {
                keys.add(CONVERTER.getKeyPair(pair).getPublic());
            }
        }
        if (keys.isEmpty()) {
            throw new IOException(file + " holds no public key, certificate or key pair");
        }
        return keys;
    }

    /** The key id upstream puts in a token's header: base64url of the SHA-256 of the public key's DER. */
    public static String keyId(PublicKey key) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(key.getEncoded())).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> pemObjects(Path file) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        }
        return objects;
    }
}
