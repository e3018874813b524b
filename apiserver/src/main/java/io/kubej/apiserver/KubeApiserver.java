package io.kubej.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.kubej.apiserver.admission.AdmissionChain;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.audit.AuditLog;
import io.kubej.apiserver.audit.AuditPolicy;
import io.kubej.apiserver.audit.Auditor;
import io.kubej.apiserver.endpoints.discovery.Discovery;
import io.kubej.apiserver.endpoints.handlers.ResourceHandler;
import io.kubej.apiserver.registry.BuiltinResources;
import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.apiextensions.CustomResourceRegistrar;
import io.kubej.apiserver.registry.core.endpoint.ApiServerEndpoints;
import io.kubej.apiserver.registry.core.service.AllocationRepair;
import io.kubej.apiserver.registry.core.service.ClusterIPAllocator;
import io.kubej.apiserver.registry.core.service.NodePortAllocator;
import io.kubej.apiserver.registry.core.service.ServiceStrategy;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.registry.scheduling.SchedulingResources;
import io.kubej.apiserver.server.ApiServer;
import io.kubej.apiserver.storage.etcd3.Compactor;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import io.kubej.apiserver.storage.value.EncryptionConfig;
import io.kubej.apiserver.storage.value.ResourceTransformers;
import io.kubej.component.Component;
import io.kubej.component.ComponentRunner;
import io.kubej.component.GoDuration;
import io.kubej.component.GoOnlyFlags;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * kube-apiserver: the only component that talks to etcd; everything else reads and writes the
 * cluster through its REST API. Flags keep upstream's names so the hard way's unit file works
 * unchanged; flags kubej does not honour yet are accepted with a warning.
 */
@Command(name = "kube-apiserver", mixinStandardHelpOptions = true, description = "The Kubernetes API server (kubej).")
public final class KubeApiserver implements Component, Callable<Integer> {
    @Mixin
    GoOnlyFlags goFlags = new GoOnlyFlags();

    @Option(names = "--etcd-servers", split = ",", description = "etcd client URLs") public List<String> etcdServers = List.of("http://127.0.0.1:2379");
    @Option(names = "--etcd-cafile") public File etcdCaFile;
    @Option(names = "--etcd-certfile") public File etcdCertFile;
    @Option(names = "--etcd-keyfile") public File etcdKeyFile;
    @Option(names = "--etcd-prefix") public String etcdPrefix = "/registry";
    @Option(names = "--encryption-provider-config", description = "EncryptionConfiguration file: which resources are encrypted in etcd, and how")
    String encryptionProviderConfig;
    @Option(names = "--client-ca-file") public File clientCaFile;
    @Option(names = "--tls-cert-file") public File tlsCertFile;
    @Option(names = "--tls-private-key-file") public File tlsPrivateKeyFile;
    @Option(names = "--secure-port") public int securePort = 6443;
    @Option(names = "--bind-address") public String bindAddress = "0.0.0.0";
    @Option(names = "--advertise-address") public String advertiseAddress;
    @Option(names = "--service-cluster-ip-range") public String serviceClusterIpRange = "10.0.0.0/24";
    @Option(names = "--service-node-port-range") public String serviceNodePortRange = "30000-32767";
    @Option(names = "--audit-policy-file", description = "audit.k8s.io/v1 Policy: which requests are audited, at which level")
    public File auditPolicyFile;
    @Option(names = "--audit-log-path", description = "where audit events go, one JSON object per line ('-' = standard output)")
    public String auditLogPath;
    @Option(names = "--audit-log-maxage", description = "days to keep rotated audit logs (0 = no limit)")
    public int auditLogMaxage;
    @Option(names = "--audit-log-maxbackup", description = "rotated audit logs to keep (0 = all)")
    public int auditLogMaxbackup;
    @Option(names = "--audit-log-maxsize", description = "megabytes before the audit log is rotated (0 = never)")
    public int auditLogMaxsize;
    @Option(names = "--anonymous-auth", arity = "0..1", fallbackValue = "true",
            description = "let requests without credentials to /healthz, /livez, /readyz and /version in as system:anonymous")
    public boolean anonymousAuth = true;
    @Option(names = "--service-account-key-file", split = ",", description = "PEM files of the public keys that verify service-account tokens (repeatable)")
    public List<File> serviceAccountKeyFile;
    @Option(names = "--service-account-signing-key-file", description = "the private key that signs service-account tokens")
    public File serviceAccountSigningKeyFile;
    @Option(names = "--service-account-issuer", description = "the tokens' iss; the first one signs, all are accepted (repeatable)")
    public List<String> serviceAccountIssuer;
    @Option(names = "--enable-bootstrap-token-auth", arity = "0..1", fallbackValue = "true",
            description = "accept bootstrap tokens (Secrets bootstrap-token-<id> in kube-system) for joining nodes")
    public boolean enableBootstrapTokenAuth;
    @Option(names = "--requestheader-client-ca-file", description = "the front proxy's CA: its X-Remote-* headers are believed")
    public File requestheaderClientCaFile;
    @Option(names = "--requestheader-allowed-names", split = ",", description = "front-proxy certificate names allowed (any if empty)")
    public List<String> requestheaderAllowedNames = List.of();
    @Option(names = "--requestheader-username-headers", split = ",", description = "headers naming the user, e.g. X-Remote-User")
    public List<String> requestheaderUsernameHeaders = List.of();
    @Option(names = "--requestheader-group-headers", split = ",", description = "headers naming the groups, e.g. X-Remote-Group")
    public List<String> requestheaderGroupHeaders = List.of();
    @Option(names = "--requestheader-extra-headers-prefix", split = ",", description = "prefixes of extra headers, e.g. X-Remote-Extra-")
    public List<String> requestheaderExtraHeadersPrefix = List.of();
    @Option(names = "--api-audiences", split = ",", description = "audiences a token must name to authenticate here (default: the issuers)")
    public List<String> apiAudiences;
    @Option(names = "--authorization-mode", description = "authorizers in order: AlwaysAllow, AlwaysDeny, Node, RBAC")
    public String authorizationMode = "AlwaysAllow";
    @Option(names = "--enable-admission-plugins", split = ",", description = "admission plugins on top of the default ones")
    public List<String> enableAdmissionPlugins = List.of();
    @Option(names = "--disable-admission-plugins", split = ",", description = "default admission plugins to turn off")
    public List<String> disableAdmissionPlugins = List.of();
    // Accepted for the hard way's unit file; honoured later.
    @Option(names = "--allow-privileged") String allowPrivileged;
    @Option(names = "--apiserver-count") String apiserverCount;
    @Option(names = "--event-ttl") String eventTtl;
    @Option(names = "--kubelet-certificate-authority") String kubeletCa;
    @Option(names = "--kubelet-client-certificate") String kubeletClientCert;
    @Option(names = "--kubelet-client-key") String kubeletClientKey;
    @Option(names = "--kubelet-https") String kubeletHttps;
    @Option(names = "--runtime-config") String runtimeConfig;

    @Option(names = "--max-request-body-bytes", description = "the largest request body accepted; larger ones get 413")
    public int maxRequestBodyBytes = 3 * 1024 * 1024;

    @Option(names = "--http2-max-streams-per-connection",
            description = "the most concurrent streams a client may open on one HTTP/2 connection; 0 means the server's default (100)")
    public int http2MaxStreamsPerConnection = 0;

    @Option(names = "--watch-cache", arity = "0..1", fallbackValue = "true", description = "serve watches and resourceVersion=0 lists from a watch cache")
    public boolean watchCache = true;

    @Option(names = "--etcd-compaction-interval", description = "how often etcd's history is compacted (0 turns compaction off)")
    public String etcdCompactionInterval = "5m";

    private Etcd3Storage storage;
    private ApiServer server;
    private ResourceRegistry registry;
    private Compactor compactor;
    private CustomResourceRegistrar crds;
    private AllocationRepair allocationRepair;
    private ApiServerEndpoints apiserverEndpoints;
    private AccessControl access;
    private Auditor auditor;

    /** Upstream's admission plugins that are on unless disabled (kube-apiserver --help lists them). */
    static final List<String> DEFAULT_ADMISSION_PLUGINS = List.of("NamespaceLifecycle", "LimitRanger", "ServiceAccount",
            "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass",
            "StorageObjectInUseProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval",
            "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
            "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota");
    /** The admission plugins kubej implements so far. */
    static final java.util.Set<String> IMPLEMENTED_ADMISSION_PLUGINS = java.util.Set.copyOf(AccessControl.ADMISSION_PLUGINS);

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeApiserver()).execute(args));
    }

    @Override
    public Integer call() {
        goFlags.apply();
        return ComponentRunner.run(this, bindAddress, -1);
    }

    @Override
    public String name() {
        return "kube-apiserver";
    }

    @Override
    public void start() throws Exception {
        warnAboutFlagsNotHonouredYet();
        // first, before anything starts: a bad encryption config stops the server with one line
        ResourceTransformers transformers = encryptionProviderConfig == null ? ResourceTransformers.NONE
                : EncryptionConfig.load(java.nio.file.Path.of(encryptionProviderConfig));
        auditor = auditor();
        storage = new Etcd3Storage(etcdClient(), etcdPrefix, transformers);
        ClusterIPAllocator ips = new ClusterIPAllocator(storage.markers("ranges/serviceips"), serviceClusterIpRange);
        NodePortAllocator nodePorts = new NodePortAllocator(storage.markers("ranges/servicenodeports"), serviceNodePortRange);
        // eviction and the token checks read other kinds through the registry they are part of
        java.util.concurrent.atomic.AtomicReference<ResourceRegistry> self = new java.util.concurrent.atomic.AtomicReference<>();
        access = new AccessControl(this, (resource, ns, name) -> self.get().store("", resource).findQuickly(ns, name));
        registry = new ResourceRegistry(BuiltinResources.all(new ServiceStrategy(ips, nodePorts), new BuiltinResources.Dependencies(
                access.authorizer(), access.ruleResolver(), access.tokens(), access.apiAudiences(), access.tokenRequests(),
                io.kubej.apiserver.registry.core.pod.EvictionSubresource.Budgets.of(
                        () -> self.get().store("policy", "poddisruptionbudgets")))), storage, watchCache);
        self.set(registry);
        registry.startCaches();
        access.startAuthorizers(registry);
        crds = new CustomResourceRegistrar(registry);
        crds.start();
        compactor = Compactor.start(storage, GoDuration.parse(etcdCompactionInterval));
        String advertise = advertiseAddress != null ? advertiseAddress
                : bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        AdmissionChain admission = new AdmissionChain(access.admissionPlugins(registry, enabledAdmissionPlugins()));
        server = new ApiServer(new ResourceHandler(registry, admission, access.authorizer()),
                new Discovery(registry::resources, () -> advertise + ":" + port()),
                new io.kubej.apiserver.endpoints.openapi.OpenApiDocuments(registry::resources, "v1.32.0"),
                access.authenticator(), anonymousAuth, access.authorizer(), auditor, this::isReady);
        server.start(bindAddress, securePort, tlsCertFile, tlsPrivateKeyFile, clientCaFile, maxRequestBodyBytes,
                http2MaxStreamsPerConnection);
        new Bootstrap(registry, ips, advertise, port()).run();
        apiserverEndpoints = new ApiServerEndpoints(storage.markers("masterleases"), registry, advertise, port());
        apiserverEndpoints.start();
        allocationRepair = new AllocationRepair(registry.store("", "services"), ips, nodePorts);
        allocationRepair.start();
    }

    /** Auditing is on with a policy file, as upstream: a log path alone audits nothing (and says so). */
    private Auditor auditor() throws io.kubej.component.ConfigurationException {
        if (auditPolicyFile == null) {
            if (auditLogPath != null) {
                org.slf4j.LoggerFactory.getLogger(KubeApiserver.class).warn(
                        "--audit-log-path is set but --audit-policy-file is not: no audit events are written (upstream does the same)");
            }
            return Auditor.off();
        }
        if (auditLogPath == null) {
            throw new io.kubej.component.ConfigurationException("--audit-policy-file " + auditPolicyFile + " needs --audit-log-path");
        }
        try {
            return new Auditor(AuditPolicy.load(auditPolicyFile.toPath()),
                    new AuditLog(auditLogPath, auditLogMaxsize, auditLogMaxbackup, auditLogMaxage));
        } catch (java.io.IOException e) {
            throw new io.kubej.component.ConfigurationException("--audit-policy-file " + auditPolicyFile + ": " + e.getMessage());
        }
    }

    /** Upstream's defaults, plus --enable-admission-plugins, minus --disable-admission-plugins; unimplemented ones are named. */
    java.util.Set<String> enabledAdmissionPlugins() {
        java.util.Set<String> enabled = new java.util.LinkedHashSet<>(DEFAULT_ADMISSION_PLUGINS);
        enabled.addAll(enableAdmissionPlugins);
        enabled.removeAll(disableAdmissionPlugins);
        List<String> missing = enabled.stream().filter(p -> !IMPLEMENTED_ADMISSION_PLUGINS.contains(p)).toList();
        if (!missing.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(KubeApiserver.class).warn(
                    "admission plugins enabled but not implemented by kubej yet, so they do not run: {}", String.join(", ", missing));
        }
        return enabled;
    }

    /** The repair loop of ClusterIP and node-port claims (tests run it on demand). */
    public AllocationRepair allocationRepair() {
        return allocationRepair;
    }

    /** The port actually bound (differs from --secure-port when that is 0, as tests use). */
    public int port() {
        return server.port();
    }

    private Client etcdClient() throws Exception {
        ClientBuilder b = Client.builder().endpoints(etcdServers.toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(5));
        if (etcdServers.stream().anyMatch(s -> s.startsWith("https"))) {
            SslContextBuilder ssl = SslContextBuilder.forClient();
            if (etcdCaFile != null) {
                ssl.trustManager(etcdCaFile);
            }
            if (etcdCertFile != null && etcdKeyFile != null) {
                ssl.keyManager(etcdCertFile, etcdKeyFile);
            }
            b.sslContext(io.grpc.netty.GrpcSslContexts.configure(ssl).build());
        }
        return b.build();
    }

    private void warnAboutFlagsNotHonouredYet() {
        String later = "not honoured yet in kubej's walking skeleton";
        GoOnlyFlags.warnIgnored("--allow-privileged", allowPrivileged, "pod security checks are " + later);
        GoOnlyFlags.warnIgnored("--apiserver-count", apiserverCount, "deprecated upstream; endpoints reconciling uses leases");
        GoOnlyFlags.warnIgnored("--event-ttl", eventTtl, "event expiry is " + later);
        GoOnlyFlags.warnIgnored("--kubelet-certificate-authority", kubeletCa, "kubelet proxying (logs/exec) is " + later);
        GoOnlyFlags.warnIgnored("--kubelet-client-certificate", kubeletClientCert, "kubelet proxying (logs/exec) is " + later);
        GoOnlyFlags.warnIgnored("--kubelet-client-key", kubeletClientKey, "kubelet proxying (logs/exec) is " + later);
        GoOnlyFlags.warnIgnored("--kubelet-https", kubeletHttps, "deprecated upstream");
        GoOnlyFlags.warnIgnored("--runtime-config", runtimeConfig, "kubej serves a fixed set of API groups");
    }

    @Override
    public boolean isReady() {
        try {
            storage.currentRevision();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (apiserverEndpoints != null) {
            apiserverEndpoints.close(); // first, so clients stop being sent here
        }
        if (server != null) {
            server.close();
        }
        if (compactor != null) {
            compactor.close();
        }
        if (crds != null) {
            crds.close();
        }
        if (allocationRepair != null) {
            allocationRepair.close();
        }
        if (access != null) {
            access.close();
        }
        if (auditor != null) {
            auditor.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    /**
     * What upstream's bootstrap controllers ensure at start: the system namespaces, the
     * {@code kubernetes} Service (first IP of the service range, port 443) with its Endpoints and
     * EndpointSlice (kept listing every live API server by {@link ApiServerEndpoints}), and the
     * two system PriorityClasses.
     */
    record Bootstrap(ResourceRegistry registry, ClusterIPAllocator ips, String advertise, int port) {
        void run() {
            Store namespaces = registry.store("", "namespaces");
            for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
                ObjectNode o = Json.object();
                Json.metadata(o).put("name", ns);
                createIfMissing(namespaces, null, o);
            }
            ObjectNode svc = Json.object();
            Json.metadata(svc).put("name", "kubernetes");
            Json.obj(Json.metadata(svc), "labels").put("component", "apiserver").put("provider", "kubernetes");
            ObjectNode spec = Json.obj(svc, "spec");
            spec.put("clusterIP", ips.first());
            spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP").put("targetPort", port);
            createIfMissing(registry.store("", "services"), "default", svc);
            ObjectNode ep = Json.object();
            Json.metadata(ep).put("name", "kubernetes");
            Json.obj(Json.metadata(ep), "labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
            ObjectNode subset = ep.putArray("subsets").addObject();
            subset.putArray("addresses").addObject().put("ip", advertise);
            subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
            ObjectNode slice = Json.object();
            Json.metadata(slice).put("name", "kubernetes");
            Json.obj(Json.metadata(slice), "labels").put("kubernetes.io/service-name", "kubernetes");
            slice.put("addressType", "IPv4");
            slice.putArray("endpoints").addObject().putArray("addresses").add(advertise);
            ((ObjectNode) slice.get("endpoints").get(0)).putObject("conditions").put("ready", true);
            slice.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
            // only created here: ApiServerEndpoints keeps the contents listing every live API server
            createIfMissing(registry.store("discovery.k8s.io", "endpointslices"), "default", slice);
            createIfMissing(registry.store("", "endpoints"), "default", ep);
            Store priorityClasses = registry.store("scheduling.k8s.io", "priorityclasses");
            SchedulingResources.SYSTEM_CLASSES.forEach((name, value) -> {
                ObjectNode pc = Json.object();
                Json.metadata(pc).put("name", name);
                pc.put("value", value).put("description", "Used for system critical pods that must run in the cluster, but can be "
                        + "moved to another node if necessary.");
                createIfMissing(priorityClasses, null, pc);
            });
        }

        private static void createIfMissing(Store store, String ns, ObjectNode o) {
            try {
                store.create(ns, o);
            } catch (StatusError e) {
                if (e.code() != 409 && e.code() != 422) {
                    throw e;
                }
            }
        }
    }
}
