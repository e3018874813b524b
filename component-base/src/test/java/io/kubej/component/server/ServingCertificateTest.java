package io.kubej.component.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.component.ConfigurationException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingCertificateTest {
    @TempDir
    Path dir;

    @Test
    void selfSignedCertificateServesLocalhostAndLoopbackAndIsSignedByItsOwnCa() throws Exception {
        ServingCertificate c = ServingCertificate.selfSigned("localhost", List.of(InetAddress.getLoopbackAddress()), List.of("localhost"));
        X509Certificate leaf = c.certificate();
        X509Certificate ca = c.chain().get(1);
        assertThat(leaf.getSubjectX500Principal().getName()).startsWith("CN=localhost@");
        assertThat(ca.getSubjectX500Principal().getName()).startsWith("CN=localhost-ca@");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        leaf.verify(ca.getPublicKey());
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .containsExactlyInAnyOrder("127.0.0.1", "localhost");
    }

    @Test
    void aGeneratedPairIsWrittenToCertDirAndReusedOnTheNextStart() throws Exception {
        SecureServingOptions o = new SecureServingOptions("kube-controller-manager", 10257);
        o.certDir = dir.toString();
        ServingCertificate first = o.servingCertificate();
        Path key = dir.resolve("kube-controller-manager.key");
        assertThat(dir.resolve("kube-controller-manager.crt")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        ServingCertificate second = o.servingCertificate();
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(second.key().getEncoded()).isEqualTo(first.key().getEncoded());
    }

    @Test
    void withoutCertDirEachStartMakesANewCertificateInMemory() throws Exception {
        SecureServingOptions o = new SecureServingOptions("kube-scheduler", 10259);
        assertThat(o.servingCertificate().certificate()).isNotEqualTo(o.servingCertificate().certificate());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void givenCertificateFilesAreServedAsTheyAre() throws Exception {
        ServingCertificate.selfSigned("kcm.example", List.of(), List.of()).write(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        SecureServingOptions o = new SecureServingOptions("kube-controller-manager", 10257);
        o.tlsCertFile = dir.resolve("tls.crt");
        o.tlsPrivateKeyFile = dir.resolve("tls.key");
        assertThat(o.servingCertificate().certificate().getSubjectX500Principal().getName()).startsWith("CN=kcm.example@");
    }

    @Test
    void aCertificateWithoutItsKeyIsAFlagError() {
        SecureServingOptions o = new SecureServingOptions("kube-controller-manager", 10257);
        o.tlsCertFile = dir.resolve("tls.crt");
        assertThatThrownBy(o::servingCertificate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--tls-private-key-file");
    }

    @Test
    void securePortZeroTurnsServingOffAndTlsMinVersionPicksProtocols() throws Exception {
        SecureServingOptions o = new SecureServingOptions("kube-controller-manager", 10257);
        assertThat(o.enabled()).isTrue();
        assertThat(o.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        o.tlsMinVersion = "VersionTLS13";
        assertThat(o.protocols()).containsExactly("TLSv1.3");
        o.tlsMinVersion = "TLS1.3";
        assertThatThrownBy(o::protocols).isInstanceOf(ConfigurationException.class);
        o.bindPort = 0;
        assertThat(o.enabled()).isFalse();
    }
}
