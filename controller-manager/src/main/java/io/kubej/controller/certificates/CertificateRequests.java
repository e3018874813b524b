package io.kubej.controller.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A CSR's {@code spec.request}: a PEM {@code CERTIFICATE REQUEST} (PKCS#10), base64 again in
 * the JSON (upstream: {@code ParseCSR} in pkg/apis/certificates). What the signer rules look at
 * is read out of it once into {@link Facts}.
 */
final class CertificateRequests {
    private CertificateRequests() {
    }

    /** What a request asks to be: subject and subject alternative names. */
    record Facts(String commonName, List<String> organizations, List<String> dnsNames, List<String> ipAddresses,
                 List<String> emailAddresses, List<String> uris) {
    }

    /** Decodes {@code spec.request} and checks the request is signed by the key it asks a certificate for. */
    static PKCS10CertificationRequest parse(String specRequestBase64) {
        String pem;
        try {
            pem = new String(Base64.getDecoder().decode(specRequestBase64.trim()), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.request is not base64: " + e.getMessage(), e);
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (!(o instanceof PKCS10CertificationRequest request)) {
                throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
            }
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the request's signature does not verify with its public key");
            }
            return request;
        } catch (IOException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("cannot parse the certificate request: " + e.getMessage(), e);
        }
    }

    static Facts facts(PKCS10CertificationRequest request) {
        X500Name subject = request.getSubject();
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        GeneralNames sans = subjectAltNames(request);
        if (sans != null) {
            for (GeneralName n : sans.getNames()) {
                switch (n.getTagNo()) {
                    case GeneralName.dNSName -> dns.add(text(n.getName()));
                    case GeneralName.iPAddress -> ips.add(ip(n.getName()));
                    case GeneralName.rfc822Name -> emails.add(text(n.getName()));
                    case GeneralName.uniformResourceIdentifier -> uris.add(text(n.getName()));
                    default -> { } // other names: neither allowed nor refused by upstream's rules
                }
            }
        }
        return new Facts(first(subject, BCStyle.CN), all(subject, BCStyle.O), dns, ips, emails, uris);
    }

    /** The subjectAltName extension the request asks for (in its extensionRequest attribute), or null. */
    static GeneralNames subjectAltNames(PKCS10CertificationRequest request) {
        for (Attribute a : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable v : a.getAttributeValues()) {
                Extensions ext = Extensions.getInstance(v);
                GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
                if (names != null) {
                    return names;
                }
            }
        }
        return null;
    }

    private static String first(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        List<String> values = all(name, type);
        return values.isEmpty() ? "" : values.get(0);
    }

    private static List<String> all(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs(type)) {
            for (var atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(type)) {
                    out.add(text(atv.getValue()));
                }
            }
        }
        return out;
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : value.toString();
    }

    private static String ip(ASN1Encodable value) {
        try {
            return InetAddress.getByAddress(ASN1OctetString.getInstance(value).getOctets()).getHostAddress();
        } catch (UnknownHostException e) {
            return value.toString();
        }
    }
}
