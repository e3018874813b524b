package io.kubej.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The hard way's "Provisioning a CA and Generating TLS Certificates", "Generating Kubernetes
 * Configuration Files for Authentication" and "Generating the Data Encryption Config and Key"
 * labs as one idempotent step: {@link #init} makes whatever of the cluster's PKI is missing in a
 * directory and keeps what is already there (so components keep trusting each other), unless
 * asked to rotate.
 *
 * <p>The steps, in order: load or create the CA; for each identity, keep its key and
 * certificate when they still match, else issue; render the kubeconfigs from the results;
 * add an encryption config if there is none; write everything changed at once.
 */
public final class ClusterPki {
    public static final String DEFAULT_CLUSTER_NAME = "kubernetes";
    public static final String DEFAULT_SERVICE_CIDR = "10.32.0.0/24";
    public static final int API_SERVER_PORT = 6443;
    public static final String CA = "ca";
    public static final String API_SERVER = "kubernetes";
    public static final String ADMIN = "admin";
    public static final String CONTROLLER_MANAGER = "kube-controller-manager";
    public static final String SCHEDULER = "kube-scheduler";
    public static final String PROXY = "kube-proxy";
    public static final String SERVICE_ACCOUNT = "service-account";
    public static final String ENCRYPTION_CONFIG = "encryption-config.yaml";

    private ClusterPki() {
    }

    /** A machine of the cluster: its host name and IP, written {@code name=IP} on the command line. */
    public record Node(String name, String ip) {
        public Node {
            if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
                throw new IllegalArgumentException("invalid node name \"" + name
                        + "\": use lower-case letters, digits, '-' and '.'");
            }
            if (!IpAddresses.isLiteral(ip)) {
                throw new IllegalArgumentException("invalid IP address \"" + ip + "\" for node " + name);
            }
        }

        /** Parses {@code worker-0=10.240.0.20}. */
        public static Node parse(String nameEqualsIp) {
            int eq = nameEqualsIp == null ? -1 : nameEqualsIp.indexOf('=');
            if (eq <= 0 || eq == nameEqualsIp.length() - 1) {
                throw new IllegalArgumentException("malformed node \"" + nameEqualsIp
                        + "\": expected name=IP, e.g. worker-0=10.240.0.20");
            }
            return new Node(nameEqualsIp.substring(0, eq).trim(), nameEqualsIp.substring(eq + 1).trim());
        }

        @Override
        public String toString() {
            return name + "=" + ip;
        }
    }

    /**
     * What to make.
     *
     * @param clusterName        the kubeconfigs' cluster name (the hard way: kubernetes-the-hard-way)
     * @param controllers        control-plane machines; their IPs go in the API server cert
     * @param workers            worker machines; each gets a {@code system:node:<name>} identity
     * @param publicAddress      the address in front of the API servers (a load balancer, or the
     *                           single controller); in the API server cert
     * @param serviceCidr        --service-cluster-ip-range; its first IP is the kubernetes Service's
     * @param localApiServerUrl  server of the kubeconfigs used on the controllers (admin,
     *                           controller-manager, scheduler)
     * @param publicApiServerUrl server of the kubeconfigs used on workers (kubelet, kube-proxy)
     * @param rotate             make new keys and certificates even where valid ones exist
     */
    public record Spec(String clusterName, List<Node> controllers, List<Node> workers, String publicAddress,
                       String serviceCidr, String localApiServerUrl, String publicApiServerUrl, boolean rotate) {
        public Spec {
            clusterName = clusterName == null ? DEFAULT_CLUSTER_NAME : clusterName;
            if (clusterName.isBlank() || !clusterName.matches("[A-Za-z0-9._:-]+")) {
                throw new IllegalArgumentException("invalid cluster name \"" + clusterName + "\"");
            }
            controllers = List.copyOf(controllers == null ? List.of() : controllers);
            workers = List.copyOf(workers == null ? List.of() : workers);
            if (controllers.isEmpty()) {
                throw new IllegalArgumentException("at least one controller is needed");
            }
            Set<String> names = new LinkedHashSet<>();
            for (Node w : workers) {
                if (!names.add(w.name())) {
                    throw new IllegalArgumentException("worker " + w.name() + " is listed twice");
                }
            }
            publicAddress = publicAddress == null ? controllers.getFirst().ip() : publicAddress;
            if (!IpAddresses.isLiteral(publicAddress)
                    && !publicAddress.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("invalid public address \"" + publicAddress
                        + "\": expected an IP address or a DNS name");
            }
            serviceCidr = serviceCidr == null ? DEFAULT_SERVICE_CIDR : serviceCidr;
            IpAddresses.firstIp(serviceCidr); // validates
            localApiServerUrl = localApiServerUrl == null ? url("127.0.0.1") : localApiServerUrl;
            publicApiServerUrl = publicApiServerUrl == null ? url(publicAddress) : publicApiServerUrl;
            for (String u : List.of(localApiServerUrl, publicApiServerUrl)) {
                if (!u.matches("https://[^\\s/]+(/\\S*)?")) {
                    throw new IllegalArgumentException("invalid API server URL \"" + u + "\": expected https://host:port");
                }
            }
        }

        /** The lab's single machine: one controller and one worker on {@code ip}. */
        public static Spec singleNode(String workerName, String ip) {
            return new Spec(null, List.of(new Node("controller-0", ip)), List.of(new Node(workerName, ip)),
                    ip, null, null, null, false);
        }

        public Spec withRotate(boolean rotate) {
            return new Spec(clusterName, controllers, workers, publicAddress, serviceCidr,
                    localApiServerUrl, publicApiServerUrl, rotate);
        }

        public Spec withClusterName(String name) {
            return new Spec(name, controllers, workers, publicAddress, serviceCidr,
                    localApiServerUrl, publicApiServerUrl, rotate);
        }

        public Spec withServiceCidr(String cidr) {
            return new Spec(clusterName, controllers, workers, publicAddress, cidr,
                    localApiServerUrl, publicApiServerUrl, rotate);
        }

        private static String url(String host) {
            return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + API_SERVER_PORT;
        }
    }

    /** The files this run wrote (new or changed) and the ones it kept as they were. */
    public record Result(List<Path> written, List<Path> unchanged) {
    }

    /** Makes the cluster's PKI in {@code dir}; see the class comment. */
    public static Result init(Spec spec, Path dir) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Run run = new Run(dir, spec.rotate());
        CertificateAuthority ca = run.loadOrCreateCa();
        for (CertificateRequest request : certificateRequests(spec)) {
            run.keepOrIssue(ca, request);
        }
        for (KubeconfigSpec k : kubeconfigs(spec)) {
            run.renderKubeconfig(spec.clusterName(), k);
        }
        run.keepOrCreateEncryptionConfig();
        return run.commit();
    }

    /** {@code kubej pki issue}: one extra certificate signed by the CA already in {@code dir}. */
    public static Result issue(Path dir, CertificateRequest request, boolean rotate) throws IOException {
        if (request.name().equals(CA)) {
            throw new IllegalArgumentException("the name \"ca\" is the cluster CA itself; choose another --name");
        }
        Run run = new Run(dir, rotate);
        if (!Files.isRegularFile(run.dir.resolve("ca.pem")) || !Files.isRegularFile(run.dir.resolve("ca-key.pem"))) {
            throw new IOException("no CA in " + run.dir + ": run 'kubej pki init --dir " + dir + "' first");
        }
        run.keepOrIssue(loadCa(run.dir), request);
        return run.commit();
    }

    /** The loaded CA of an existing PKI directory. */
    public static CertificateAuthority loadCa(Path dir) throws IOException {
        return new CertificateAuthority(Pem.readCertificate(dir.resolve("ca.pem")),
                Pem.readPrivateKey(dir.resolve("ca-key.pem")));
    }

    /** Every certificate of the hard way's "Certificate Authority" lab, for this spec. */
    public static List<CertificateRequest> certificateRequests(Spec spec) {
        List<CertificateRequest> out = new ArrayList<>();
        out.add(CertificateRequest.client(ADMIN, "admin", "system:masters"));
        for (Node w : spec.workers()) {
            // the kubelet's client identity (Node authorizer) and its serving cert on 10250
            out.add(new CertificateRequest(w.name(), "system:node:" + w.name(), List.of("system:nodes"),
                    List.of(w.name(), w.ip()), true, true));
        }
        out.add(CertificateRequest.client(CONTROLLER_MANAGER, "system:kube-controller-manager",
                "system:kube-controller-manager"));
        out.add(CertificateRequest.client(PROXY, "system:kube-proxy", "system:node-proxier"));
        out.add(CertificateRequest.client(SCHEDULER, "system:kube-scheduler", "system:kube-scheduler"));
        out.add(new CertificateRequest(API_SERVER, "kubernetes", List.of("Kubernetes"),
                apiServerSans(spec), true, true));
        // the key pair that signs and verifies service account tokens; the cert just carries the public key
        out.add(CertificateRequest.client(SERVICE_ACCOUNT, "service-accounts", "Kubernetes"));
        return out;
    }

    /**
     * Names a client may use to reach the API server (and etcd, which shares the cert):
     * the kubernetes Service IP, every controller, the public address, loopback, and the
     * in-cluster DNS names of the kubernetes Service.
     */
    static List<String> apiServerSans(Spec spec) {
        Set<String> sans = new LinkedHashSet<>();
        sans.add(IpAddresses.firstIp(spec.serviceCidr()));
        spec.controllers().forEach(c -> sans.add(c.ip()));
        sans.add(spec.publicAddress());
        sans.add("127.0.0.1");
        sans.addAll(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster", "kubernetes.svc.cluster.local",
                "kubernetes.default.svc.cluster.local", "localhost"));
        return List.copyOf(sans);
    }

    private record KubeconfigSpec(String file, String certName, String user, String server) {
    }

    /** The hard way's kubeconfigs: controllers talk to 127.0.0.1, workers to the public address. */
    private static List<KubeconfigSpec> kubeconfigs(Spec spec) {
        List<KubeconfigSpec> out = new ArrayList<>();
        for (Node w : spec.workers()) {
            out.add(new KubeconfigSpec(w.name() + ".kubeconfig", w.name(), "system:node:" + w.name(),
                    spec.publicApiServerUrl()));
        }
        out.add(new KubeconfigSpec("kube-proxy.kubeconfig", PROXY, "system:kube-proxy", spec.publicApiServerUrl()));
        out.add(new KubeconfigSpec("kube-controller-manager.kubeconfig", CONTROLLER_MANAGER,
                "system:kube-controller-manager", spec.localApiServerUrl()));
        out.add(new KubeconfigSpec("kube-scheduler.kubeconfig", SCHEDULER, "system:kube-scheduler",
                spec.localApiServerUrl()));
        out.add(new KubeconfigSpec("admin.kubeconfig", ADMIN, "admin", spec.localApiServerUrl()));
        return out;
    }

    /**
     * One init/issue run: reads what exists, stages what must change, then writes it all in one
     * {@link AtomicFileSet#commit()}. Nothing touches the directory before the commit.
     */
    private static final class Run {
        private final Path dir;
        private final boolean rotate;
        private final AtomicFileSet files;
        /** Current PEM bytes by file name: what is on disk, or what we are about to write. */
        private final Map<String, byte[]> contents = new LinkedHashMap<>();

        Run(Path dir, boolean rotate) throws IOException {
            this.dir = dir.toAbsolutePath().normalize();
            this.rotate = rotate;
            this.files = new AtomicFileSet(this.dir);
            // fail before any slow key generation when the directory can never be written
            Path existing = this.dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                throw new IOException("cannot write to " + this.dir + ": " + existing + " is not a directory");
            }
            if (existing != null && !Files.isWritable(existing)) {
                throw new IOException("cannot write to " + this.dir + ": " + existing + " is not writable");
            }
        }

        CertificateAuthority loadOrCreateCa() throws IOException {
            Path cert = dir.resolve("ca.pem");
            Path key = dir.resolve("ca-key.pem");
            if (!rotate && Files.exists(cert) && Files.exists(key)) {
                CertificateAuthority ca = new CertificateAuthority(Pem.readCertificate(cert), Pem.readPrivateKey(key));
                keep("ca.pem", AtomicFileSet.PUBLIC);
                keep("ca-key.pem", AtomicFileSet.PRIVATE);
                return ca;
            }
            if (!rotate && (Files.exists(cert) || Files.exists(key))) {
                // replacing half a CA would silently break trust in every other file
                throw new IOException("found only one of ca.pem and ca-key.pem in " + dir
                        + ": restore the other or use --rotate");
            }
            CertificateAuthority ca = CertificateAuthority.create();
            put("ca.pem", Pem.encode(ca.certificate()), AtomicFileSet.PUBLIC);
            put("ca-key.pem", Pem.encode(ca.key()), AtomicFileSet.PRIVATE);
            return ca;
        }

        void keepOrIssue(CertificateAuthority ca, CertificateRequest request) throws IOException {
            Path certFile = dir.resolve(request.certFile());
            Path keyFile = dir.resolve(request.keyFile());
            PrivateKey key = !rotate && Files.exists(keyFile) ? Pem.readPrivateKey(keyFile) : null;
            if (key != null && Files.exists(certFile)) {
                X509Certificate cert = Pem.readCertificate(certFile);
                if (ca.satisfies(cert, request) && matches(cert.getPublicKey(), key)) {
                    keep(request.certFile(), AtomicFileSet.PUBLIC);
                    keep(request.keyFile(), AtomicFileSet.PRIVATE);
                    return;
                }
            }
            // keep an existing key (only the certificate is stale), or make a new pair
            PublicKey publicKey;
            if (key == null) {
                KeyPair pair = CertificateAuthority.newKeyPair();
                key = pair.getPrivate();
                publicKey = pair.getPublic();
            } else {
                publicKey = publicKeyOf(key, keyFile);
            }
            put(request.certFile(), Pem.encode(ca.issue(request, publicKey)), AtomicFileSet.PUBLIC);
            put(request.keyFile(), Pem.encode(key), AtomicFileSet.PRIVATE);
        }

        void renderKubeconfig(String clusterName, KubeconfigSpec k) {
            String text = Kubeconfig.render(clusterName, k.server(), contents.get("ca.pem"),
                    contents.get(k.certName() + ".pem"), contents.get(k.certName() + "-key.pem"), k.user());
            put(k.file(), text, AtomicFileSet.PRIVATE);
        }

        /** Never replaced by --rotate: a new key would make every stored Secret unreadable. */
        void keepOrCreateEncryptionConfig() throws IOException {
            Path file = dir.resolve(ENCRYPTION_CONFIG);
            if (Files.exists(file)) {
                EncryptionConfiguration.read(file); // must still parse
                keep(ENCRYPTION_CONFIG, AtomicFileSet.PRIVATE);
                return;
            }
            put(ENCRYPTION_CONFIG, EncryptionConfiguration.hardWay().toYaml(), AtomicFileSet.PRIVATE);
        }

        Result commit() throws IOException {
            List<Path> written = files.commit();
            List<Path> unchanged = contents.keySet().stream().map(dir::resolve)
                    .filter(p -> !written.contains(p)).toList();
            return new Result(written, unchanged);
        }

        private void keep(String name, Set<java.nio.file.attribute.PosixFilePermission> mode) throws IOException {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            contents.put(name, bytes);
            // re-staging the same bytes is a no-op unless the mode drifted (e.g. a key made world-readable)
            files.stage(name, bytes, mode);
        }

        private void put(String name, String text, Set<java.nio.file.attribute.PosixFilePermission> mode) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            contents.put(name, bytes);
            files.stage(name, bytes, mode);
        }
    }

    private static boolean matches(PublicKey publicKey, PrivateKey key) {
        return key instanceof RSAPrivateCrtKey rsa
                && publicKey instanceof java.security.interfaces.RSAPublicKey pub
                && rsa.getModulus().equals(pub.getModulus());
    }

    private static PublicKey publicKeyOf(PrivateKey key, Path file) throws IOException {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new IOException(file + ": only RSA keys are supported");
        }
        try {
            return java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
