package io.kubej.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hard way's PKI, checked with the tools the hard way uses: openssl and kubectl. */
class ClusterPkiTest {
    static final List<String> CERTS = List.of("ca", "admin", "worker-0", "worker-1", "kube-controller-manager",
            "kube-proxy", "kube-scheduler", "kubernetes", "service-account");
    static final List<String> KUBECONFIGS = List.of("admin", "worker-0", "worker-1", "kube-proxy",
            "kube-controller-manager", "kube-scheduler");

    @TempDir
    static Path shared;

    static ClusterPki.Spec twoWorkers() {
        return new ClusterPki.Spec("kubernetes-the-hard-way",
                List.of(ClusterPki.Node.parse("controller-0=10.240.0.10"), ClusterPki.Node.parse("controller-1=10.240.0.11")),
                List.of(ClusterPki.Node.parse("worker-0=10.240.0.20"), ClusterPki.Node.parse("worker-1=10.240.0.21")),
                "192.0.2.7", "10.32.0.0/24", null, null, false);
    }

    @BeforeAll
    static void makePki() throws Exception {
        ClusterPki.init(twoWorkers(), shared);
    }

    static String openssl(String... args) throws Exception {
        Processes.Output out = Processes.run(Stream.concat(Stream.of("openssl"), Stream.of(args)).toList());
        assertThat(out.exitCode()).as(out.stdout()).isZero();
        return out.stdout();
    }

    static String x509Text(String name) throws Exception {
        return openssl("x509", "-text", "-noout", "-in", shared.resolve(name + ".pem").toString());
    }

    @Test
    void writesEveryFileTheHardWayNames() throws Exception {
        for (String c : CERTS) {
            assertThat(shared.resolve(c + ".pem")).isRegularFile();
            assertThat(shared.resolve(c + "-key.pem")).isRegularFile();
        }
        for (String k : KUBECONFIGS) {
            assertThat(shared.resolve(k + ".kubeconfig")).isRegularFile();
        }
        assertThat(shared.resolve("encryption-config.yaml")).isRegularFile();
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void opensslVerifiesEveryIssuedCertificateAgainstTheCa() throws Exception {
        for (String c : CERTS) {
            assertThat(openssl("verify", "-CAfile", shared.resolve("ca.pem").toString(),
                    shared.resolve(c + ".pem").toString())).contains(": OK");
        }
    }

    @Test
    void privateKeysAndKubeconfigsAreOwnerReadableOnly() throws Exception {
        for (String c : CERTS) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve(c + "-key.pem"))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(shared.resolve(c + "-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
            openssl("rsa", "-check", "-noout", "-in", shared.resolve(c + "-key.pem").toString());
        }
        for (String k : KUBECONFIGS) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve(k + ".kubeconfig"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void caIsSelfSignedWithCertSignAndCrlSignUsages() throws Exception {
        String text = x509Text("ca");
        assertThat(text).contains("Subject: O = Kubernetes, OU = CA, CN = Kubernetes")
                .contains("CA:TRUE").contains("Certificate Sign, CRL Sign")
                .contains("Subject Key Identifier");
    }

    @Test
    void adminIsAClientInSystemMasters() throws Exception {
        String text = x509Text("admin");
        assertThat(text).contains("Subject: O = system:masters, CN = admin")
                .contains("Digital Signature, Key Encipherment")
                .contains("TLS Web Client Authentication")
                .doesNotContain("TLS Web Server Authentication")
                .contains("CA:FALSE").contains("Authority Key Identifier").contains("Subject Key Identifier");
    }

    @Test
    void componentClientCertificatesCarryTheirUpstreamIdentities() throws Exception {
        assertThat(x509Text("kube-controller-manager"))
                .contains("Subject: O = system:kube-controller-manager, CN = system:kube-controller-manager");
        assertThat(x509Text("kube-scheduler"))
                .contains("Subject: O = system:kube-scheduler, CN = system:kube-scheduler");
        assertThat(x509Text("kube-proxy")).contains("Subject: O = system:node-proxier, CN = system:kube-proxy")
                .contains("TLS Web Client Authentication");
    }

    @Test
    void workerCertificateIsANodeIdentityThatAlsoServesTheKubeletApi() throws Exception {
        String text = x509Text("worker-1");
        assertThat(text).contains("Subject: O = system:nodes, CN = system:node:worker-1")
                .contains("TLS Web Server Authentication, TLS Web Client Authentication")
                .contains("DNS:worker-1").contains("IP Address:10.240.0.21")
                .doesNotContain("10.240.0.20");
    }

    @Test
    void apiServerCertificateNamesServiceIpControllersPublicAddressAndKubernetesNames() throws Exception {
        String text = x509Text("kubernetes");
        assertThat(text).contains("Subject: O = Kubernetes, CN = kubernetes")
                .contains("TLS Web Server Authentication, TLS Web Client Authentication")
                .contains("IP Address:10.32.0.1", "IP Address:10.240.0.10", "IP Address:10.240.0.11",
                        "IP Address:192.0.2.7", "IP Address:127.0.0.1")
                .contains("DNS:kubernetes,", "DNS:kubernetes.default,", "DNS:kubernetes.default.svc,",
                        "DNS:kubernetes.default.svc.cluster,", "DNS:kubernetes.svc.cluster.local");
    }

    @Test
    void leafCertificatesAreValidForOneYear() throws Exception {
        for (String c : CERTS.subList(1, CERTS.size())) {
            X509Certificate cert = Pem.readCertificate(shared.resolve(c + ".pem"));
            Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
            assertThat(validity).isBetween(Duration.ofHours(8760), Duration.ofHours(8761));
            assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(364)));
        }
        // openssl agrees the certificate is not expiring within 364 days
        openssl("x509", "-checkend", String.valueOf(364 * 24 * 3600), "-noout",
                "-in", shared.resolve("admin.pem").toString());
    }

    @Test
    void serialNumbersAreRandomAndDistinct() throws Exception {
        Map<java.math.BigInteger, String> serials = new HashMap<>();
        for (String c : CERTS) {
            X509Certificate cert = Pem.readCertificate(shared.resolve(c + ".pem"));
            assertThat(serials.put(cert.getSerialNumber(), c)).isNull();
            assertThat(cert.getSerialNumber().bitLength()).isGreaterThan(64);
        }
    }

    @Test
    void kubeconfigsRoundTripThroughRealKubectlByteForByte() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> expectedUser = Map.of("admin", "admin", "worker-0", "system:node:worker-0",
                "worker-1", "system:node:worker-1", "kube-proxy", "system:kube-proxy",
                "kube-controller-manager", "system:kube-controller-manager", "kube-scheduler", "system:kube-scheduler");
        for (String k : KUBECONFIGS) {
            Processes.Output out = Processes.run(List.of("kubectl", "config", "view", "--raw",
                    "--kubeconfig", shared.resolve(k + ".kubeconfig").toString(), "-o", "json"));
            assertThat(out.exitCode()).as(out.stdout()).isZero();
            JsonNode config = json.readTree(out.stdout());
            assertThat(config.path("current-context").asText()).isEqualTo("default");
            JsonNode cluster = config.path("clusters").get(0);
            assertThat(cluster.path("name").asText()).isEqualTo("kubernetes-the-hard-way");
            boolean onWorker = k.startsWith("worker") || k.equals("kube-proxy");
            assertThat(cluster.path("cluster").path("server").asText())
                    .isEqualTo(onWorker ? "https://192.0.2.7:6443" : "https://127.0.0.1:6443");
            assertThat(decode(cluster.path("cluster").path("certificate-authority-data")))
                    .isEqualTo(Files.readAllBytes(shared.resolve("ca.pem")));
            JsonNode context = config.path("contexts").get(0);
            assertThat(context.path("name").asText()).isEqualTo("default");
            assertThat(context.path("context").path("user").asText()).isEqualTo(expectedUser.get(k));
            JsonNode user = config.path("users").get(0);
            assertThat(user.path("name").asText()).isEqualTo(expectedUser.get(k));
            assertThat(decode(user.path("user").path("client-certificate-data")))
                    .isEqualTo(Files.readAllBytes(shared.resolve(k + ".pem")));
            assertThat(decode(user.path("user").path("client-key-data")))
                    .isEqualTo(Files.readAllBytes(shared.resolve(k + "-key.pem")));
        }
    }

    @Test
    void kubeconfigWriteMakesTheSameFileAsInit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("admin.kubeconfig");
        Kubeconfig.write(file, "kubernetes-the-hard-way", "https://127.0.0.1:6443", shared.resolve("ca.pem"),
                shared.resolve("admin.pem"), shared.resolve("admin-key.pem"), "admin");
        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(shared.resolve("admin.kubeconfig")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static byte[] decode(JsonNode base64) {
        assertThat(base64.isTextual()).isTrue();
        return Base64.getDecoder().decode(base64.asText());
    }

    @Test
    void encryptionConfigEncryptsSecretsWithAFreshAescbcKeyThenIdentity() throws Exception {
        EncryptionConfiguration c = EncryptionConfiguration.read(shared.resolve("encryption-config.yaml"));
        assertThat(c.resources()).hasSize(1);
        assertThat(c.resources().getFirst().resources()).containsExactly("secrets");
        var providers = c.resources().getFirst().providers();
        assertThat(providers).hasSize(2);
        assertThat(providers.get(0).aescbc().keys().getFirst().name()).isEqualTo("key1");
        assertThat(Base64.getDecoder().decode(providers.get(0).aescbc().keys().getFirst().secret())).hasSize(32);
        assertThat(providers.get(1).identity()).isNotNull();
        assertThat(Files.readString(shared.resolve("encryption-config.yaml")))
                .startsWith("kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\n")
                .contains("identity: {}");
    }

    @Test
    void rerunningInitKeepsEveryExistingFileByteForByte(@TempDir Path dir) throws Exception {
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), dir);
        Map<String, byte[]> before = snapshot(dir);
        long start = System.nanoTime();
        ClusterPki.Result again = ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), dir);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(again.written()).isEmpty();
        assertThat(snapshot(dir)).containsExactlyInAnyOrderEntriesOf(before);
        assertThat(took).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void rotateReplacesTheCaAndEveryKeyButKeepsTheEncryptionKey(@TempDir Path dir) throws Exception {
        ClusterPki.Spec spec = ClusterPki.Spec.singleNode("worker-0", "127.0.0.1");
        ClusterPki.init(spec, dir);
        Map<String, byte[]> before = snapshot(dir);
        ClusterPki.init(spec.withRotate(true), dir);
        Map<String, byte[]> after = snapshot(dir);
        for (String name : before.keySet()) {
            if (name.equals("encryption-config.yaml")) {
                assertThat(after.get(name)).isEqualTo(before.get(name));
            } else {
                assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
            }
        }
        openssl("verify", "-CAfile", dir.resolve("ca.pem").toString(), dir.resolve("worker-0.pem").toString());
    }

    @Test
    void changedWorkerAddressReissuesOnlyThatCertificateKeepingItsKey(@TempDir Path dir) throws Exception {
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), dir);
        Map<String, byte[]> before = snapshot(dir);
        ClusterPki.Spec moved = new ClusterPki.Spec(null, List.of(new ClusterPki.Node("controller-0", "127.0.0.1")),
                List.of(new ClusterPki.Node("worker-0", "127.0.0.2")), "127.0.0.1", null, null, null, false);
        ClusterPki.Result result = ClusterPki.init(moved, dir);
        assertThat(result.written()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("worker-0.pem", "worker-0.kubeconfig");
        assertThat(Files.readAllBytes(dir.resolve("worker-0-key.pem"))).isEqualTo(before.get("worker-0-key.pem"));
        assertThat(x509TextOf(dir.resolve("worker-0.pem"))).contains("IP Address:127.0.0.2");
    }

    @Test
    void failedRunLeavesTheDirectoryAsItWas(@TempDir Path dir) throws Exception {
        ClusterPki.Spec spec = ClusterPki.Spec.singleNode("worker-0", "127.0.0.1");
        ClusterPki.init(spec, dir);
        // a directory where a kubeconfig must go: the rename of that file fails mid-commit
        Files.delete(dir.resolve("kube-scheduler.kubeconfig"));
        Files.createDirectories(dir.resolve("kube-scheduler.kubeconfig").resolve("blocker"));
        Map<String, byte[]> before = snapshot(dir);
        assertThatThrownBy(() -> ClusterPki.init(spec.withRotate(true), dir))
                .hasMessageContaining("kube-scheduler.kubeconfig");
        assertThat(snapshot(dir)).containsExactlyInAnyOrderEntriesOf(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void failedFirstRunLeavesNoDirectoryBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("pki");
        // make the last staged file impossible to write by pre-creating only the directory's parent as a file
        Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"),
                dir.resolve("file").resolve("pki"))).hasMessageContaining("not a directory");
        assertThat(target).doesNotExist();
        assertThat(Files.readString(dir.resolve("file"))).isEqualTo("x");
    }

    @Test
    void issueSignsAnExtraCertificateWithTheExistingCa(@TempDir Path dir) throws Exception {
        ClusterPki.init(ClusterPki.Spec.singleNode("worker-0", "127.0.0.1"), dir);
        ClusterPki.issue(dir, new CertificateRequest("jane", "jane", List.of("developers", "ops"),
                List.of("jane.example", "10.1.2.3"), true, false), false);
        openssl("verify", "-CAfile", dir.resolve("ca.pem").toString(), dir.resolve("jane.pem").toString());
        assertThat(x509TextOf(dir.resolve("jane.pem"))).contains("O = developers, O = ops, CN = jane")
                .contains("DNS:jane.example, IP Address:10.1.2.3");
    }

    @Test
    void readsPkcs1KeysAsCfsslWritesThem(@TempDir Path dir) throws Exception {
        Path pkcs1 = dir.resolve("rsa.pem");
        openssl("genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Pem.readPrivateKey(pkcs1).getAlgorithm()).isEqualTo("RSA");
    }

    private static String x509TextOf(Path pem) throws Exception {
        return openssl("x509", "-text", "-noout", "-in", pem.toString());
    }

    static Map<String, byte[]> snapshot(Path dir) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString() + (Files.isDirectory(p) ? "/" : ""),
                        Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return out;
    }
}
