package io.kubej.controller.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.Pem;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrSigningTest {
    static final CertificateAuthority CA = CertificateAuthority.create();
    static final KeyPair KEY = CertificateAuthority.newKeyPair();
    static final List<String> CLIENT = List.of("digital signature", "key encipherment", "client auth");
    static final List<String> SERVING = List.of("digital signature", "key encipherment", "server auth");
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    /** What `openssl req -new -subj "/O=.../CN=..." -addext subjectAltName=...` makes, base64 as in spec.request. */
    static String request(String subject, GeneralName... sans) throws Exception {
        JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), KEY.getPublic());
        if (sans.length > 0) {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        }
        PKCS10CertificationRequest csr = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(KEY.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(csr);
        }
        return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    static String violation(String signer, String request, List<String> usages) {
        return SignerRules.violation(signer, CertificateRequests.facts(CertificateRequests.parse(request)), usages);
    }

    @Test
    void aClientCertificateForAnyUserIsSignedForTheApiServerClientSigner() throws Exception {
        String req = request("O=developers,CN=jane");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT, req, List.of("client auth"))).isNull();
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT, req, CLIENT)).isNull();
    }

    @Test
    void theApiServerClientSignerRefusesServerAuthAndNeedsClientAuth() throws Exception {
        String req = request("CN=jane");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT, req, List.of("client auth", "server auth")))
                .isEqualTo("invalid usage for client certificate: server auth");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT, req, List.of("digital signature")))
                .isEqualTo("missing required usage for client certificate: client auth");
    }

    @Test
    void aKubeletClientCertificateMustNameANodeInSystemNodesWithoutSans() throws Exception {
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:nodes,CN=system:node:worker-0"), CLIENT)).isNull();
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:nodes,CN=system:node:worker-0"),
                List.of("digital signature", "client auth"))).isNull();
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:masters,CN=system:node:worker-0"), CLIENT))
                .isEqualTo("subject organization is not system:nodes");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:nodes,CN=jane"), CLIENT))
                .isEqualTo("subject common name does not begin with system:node:");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:nodes,CN=system:node:worker-0",
                new GeneralName(GeneralName.dNSName, "worker-0")), CLIENT)).isEqualTo("DNS subjectAltNames are not allowed");
        assertThat(violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request("O=system:nodes,CN=system:node:worker-0"),
                List.of("client auth"))).startsWith("usages did not match [client auth digital signature key encipherment]");
    }

    @Test
    void aKubeletServingCertificateNeedsADnsOrIpSanAndServerAuth() throws Exception {
        String withIp = request("O=system:nodes,CN=system:node:worker-0", new GeneralName(GeneralName.iPAddress, "10.240.0.20"));
        assertThat(violation(SignerRules.KUBELET_SERVING, withIp, SERVING)).isNull();
        assertThat(violation(SignerRules.KUBELET_SERVING, request("O=system:nodes,CN=system:node:worker-0"), SERVING))
                .isEqualTo("DNS or IP subjectAltName is required");
        assertThat(violation(SignerRules.KUBELET_SERVING, withIp, CLIENT)).startsWith("usages did not match");
        assertThat(violation(SignerRules.KUBELET_SERVING, request("O=system:nodes,CN=system:node:worker-0",
                new GeneralName(GeneralName.dNSName, "worker-0"), new GeneralName(GeneralName.rfc822Name, "a@b.c")), SERVING))
                .isEqualTo("Email subjectAltNames are not allowed");
    }

    @Test
    void aRequestNotInPemIsAnError() {
        assertThatThrownBy(() -> CertificateRequests.parse(Base64.getEncoder().encodeToString("junk".getBytes())))
                .hasMessageContaining("CERTIFICATE REQUEST");
    }

    @Test
    void theSignedCertificateSaysWhatTheRequestAskedWithTheRequestedUsages() throws Exception {
        CsrSigner signer = new CsrSigner(CA.certificate(), CA.key(), Duration.ofHours(8760));
        String req = request("O=developers,O=admins,CN=jane", new GeneralName(GeneralName.dNSName, "jane.example"));
        String pem = signer.sign(CertificateRequests.parse(req), List.of("digital signature", "client auth"), null, NOW);
        X509Certificate cert = Pem.parseCertificate(pem, "test");
        cert.verify(CA.certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=jane").contains("O=developers").contains("O=admins");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
        assertThat(cert.getKeyUsage()[2]).isFalse(); // keyEncipherment not asked
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList()).containsExactly("jane.example");
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        // capped by the CA's own expiry (the test CA is newer than NOW + a year? whichever is first)
        Instant expected = NOW.plus(Duration.ofHours(8760));
        Instant caEnd = CA.certificate().getNotAfter().toInstant();
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(expected.isAfter(caEnd) ? caEnd : expected);
    }

    @Test
    void expirationSecondsShortenTheCertificateButNotBelowTenMinutes() {
        CsrSigner signer = new CsrSigner(CA.certificate(), CA.key(), Duration.ofHours(24));
        assertThat(signer.duration(null)).isEqualTo(Duration.ofHours(24));
        assertThat(signer.duration(3600)).isEqualTo(Duration.ofHours(1));
        assertThat(signer.duration(60)).isEqualTo(Duration.ofMinutes(10));
        assertThat(signer.duration(7 * 24 * 3600)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void anUnknownUsageIsNotSigned() throws Exception {
        CsrSigner signer = new CsrSigner(CA.certificate(), CA.key(), Duration.ofHours(1));
        assertThatThrownBy(() -> signer.sign(CertificateRequests.parse(request("CN=x")), List.of("teleport"), null, NOW))
                .hasMessageContaining("unknown key usage teleport");
    }

    static CertificateSigningRequest csr(String... conditionTypes) {
        CertificateSigningRequestBuilder b = new CertificateSigningRequestBuilder().withNewMetadata().withName("jane").endMetadata()
                .withNewSpec().withSignerName(SignerRules.KUBE_APISERVER_CLIENT).endSpec().withNewStatus().endStatus();
        for (String t : conditionTypes) {
            b.editStatus().addNewCondition().withType(t).withStatus("True").endCondition().endStatus();
        }
        return b.build();
    }

    @Test
    void onlyApprovedRequestsWithoutACertificateAreSigned() {
        assertThat(CsrSigningController.needsSigning(csr())).isFalse();
        assertThat(CsrSigningController.needsSigning(csr("Approved"))).isTrue();
        assertThat(CsrSigningController.needsSigning(csr("Approved", "Failed"))).isFalse();
        assertThat(CsrSigningController.needsSigning(csr("Denied"))).isFalse();
        CertificateSigningRequest issued = csr("Approved");
        issued.getStatus().setCertificate("LS0t");
        assertThat(CsrSigningController.needsSigning(issued)).isFalse();
    }

    @Test
    void oneCaForAllSignersOrOnePerSignerNotBoth() {
        SigningFlags mixed = new SigningFlags("/ca.pem", "/ca-key.pem", Duration.ofHours(1), "/s.pem", "/s-key.pem", null, null, null, null);
        assertThatThrownBy(mixed::signers).hasMessageContaining("at the same time");
        SigningFlags none = new SigningFlags(null, null, Duration.ofHours(1), null, null, null, null, null, null);
        assertThat(none.signers()).isEmpty();
    }
}
