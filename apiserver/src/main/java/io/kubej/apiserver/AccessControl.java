package io.kubej.apiserver;

import io.kubej.apiserver.admission.AdmissionPlugin;
import io.kubej.apiserver.admission.DefaultStorageClass;
import io.kubej.apiserver.admission.DefaultTolerationSeconds;
import io.kubej.apiserver.admission.LimitRanger;
import io.kubej.apiserver.admission.PodSecurity;
import io.kubej.apiserver.admission.Priority;
import io.kubej.apiserver.admission.NamespaceLifecycle;
import io.kubej.apiserver.admission.NodeRestriction;
import io.kubej.apiserver.admission.webhook.AdmissionWebhooks;
import io.kubej.apiserver.admission.webhook.MutatingAdmissionWebhook;
import io.kubej.apiserver.admission.webhook.ValidatingAdmissionWebhook;
import io.kubej.apiserver.admission.ResourceQuotaAdmission;
import io.kubej.apiserver.admission.ServiceAccountAdmission;
import io.kubej.apiserver.authentication.Authenticator;
import io.kubej.apiserver.authentication.BearerTokenAuthenticator;
import io.kubej.apiserver.authentication.BootstrapTokenAuthenticator;
import io.kubej.apiserver.authentication.RequestHeaderAuthenticator;
import io.kubej.apiserver.authentication.TokenAuthenticator;
import io.kubej.apiserver.authentication.X509Authenticator;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.authorization.AuthorizerChain;
import io.kubej.apiserver.authorization.RuleResolver;
import io.kubej.apiserver.authorization.node.NodeAuthorizer;
import io.kubej.apiserver.authorization.node.NodeGraph;
import io.kubej.apiserver.authorization.rbac.BootstrapPolicyReconciler;
import io.kubej.apiserver.authorization.rbac.EscalationCheck;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import io.kubej.apiserver.authorization.rbac.RbacAuthorizer;
import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.core.serviceaccount.TokenRequestSubresource;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.LocalInformer;
import io.kubej.apiserver.serviceaccount.ObjectLookup;
import io.kubej.apiserver.serviceaccount.ServiceAccountKeys;
import io.kubej.apiserver.serviceaccount.ServiceAccountTokenAuthenticator;
import io.kubej.apiserver.serviceaccount.TokenGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who may do what, assembled from kube-apiserver's flags (upstream
 * {@code pkg/kubeapiserver/options/authentication.go} and {@code authorization.go}):
 * authentication (client certificates of {@code --client-ca-file}, service-account tokens
 * checked with {@code --service-account-key-file}, anonymous requests to the health paths with
 * {@code --anonymous-auth}), the authorizers of {@code --authorization-mode} in order, the
 * token issuer of {@code --service-account-signing-key-file}, and the admission plugins that
 * need them.
 *
 * <p>The authorizers read the cluster's own RBAC objects and pods, so they start after the
 * registry; the review kinds, registered before, reach them through {@link #authorizer()}.
 */
final class AccessControl implements AutoCloseable {
    /** What {@code --authorization-mode} may name. */
    static final Set<String> MODES = Set.of("AlwaysAllow", "AlwaysDeny", "Node", "RBAC");

    private final List<String> modes;
    private final Authenticator authenticator;
    private final TokenAuthenticator tokens;
    private final List<String> apiAudiences;
    private final TokenRequestSubresource tokenRequests;
    private final AtomicReference<AuthorizerChain> chain = new AtomicReference<>();
    private final List<LocalInformer> informers = new ArrayList<>();
    private RbacAuthorizer rbac;

    /**
     * @param lookup reads service accounts, pods, secrets and nodes for the token checks (from the registry, once it exists)
     * @throws IllegalArgumentException naming the flag, for a configuration that cannot work
     */
    AccessControl(KubeApiserver flags, ObjectLookup lookup) throws IOException, GeneralSecurityException {
        this.modes = modes(flags.authorizationMode);
        List<String> issuers = flags.serviceAccountIssuer == null ? List.of() : flags.serviceAccountIssuer;
        this.apiAudiences = flags.apiAudiences != null && !flags.apiAudiences.isEmpty() ? flags.apiAudiences : issuers;
        List<TokenAuthenticator> tokenAuthenticators = new ArrayList<>(List.of(serviceAccountTokens(flags, issuers, lookup)));
        if (flags.enableBootstrapTokenAuth) {
            tokenAuthenticators.add(new BootstrapTokenAuthenticator(name -> lookup.find("secrets", "kube-system", name), Clock.systemUTC()));
        }
        this.tokens = TokenAuthenticator.union(tokenAuthenticators);
        // upstream's order: the front proxy's headers first, so the proxy's own certificate is not taken for the user
        List<Authenticator> authenticators = new ArrayList<>();
        if (flags.requestheaderClientCaFile != null && !flags.requestheaderUsernameHeaders.isEmpty()) {
            authenticators.add(new RequestHeaderAuthenticator(X509Authenticator.fromCaFile(flags.requestheaderClientCaFile.toPath()),
                    flags.requestheaderAllowedNames, flags.requestheaderUsernameHeaders, flags.requestheaderGroupHeaders,
                    flags.requestheaderExtraHeadersPrefix));
        }
        if (flags.clientCaFile != null) {
            authenticators.add(X509Authenticator.fromCaFile(flags.clientCaFile.toPath()));
        }
        authenticators.add(new BearerTokenAuthenticator(tokens, apiAudiences));
        this.authenticator = Authenticator.union(authenticators);
        this.tokenRequests = tokenRequests(flags, issuers, apiAudiences, lookup);
    }

    private static List<String> modes(String flag) {
        List<String> modes = new ArrayList<>(new LinkedHashSet<>(List.of((flag == null || flag.isBlank() ? "AlwaysAllow" : flag).split(","))));
        modes.replaceAll(String::trim);
        for (String m : modes) {
            if (!MODES.contains(m)) {
                throw new IllegalArgumentException("--authorization-mode: " + m + " is not supported by kubej (supported: AlwaysAllow, AlwaysDeny, Node, RBAC)");
            }
        }
        return modes;
    }

    private static TokenAuthenticator serviceAccountTokens(KubeApiserver flags, List<String> issuers, ObjectLookup lookup) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        if (flags.serviceAccountKeyFile != null) {
            for (File f : flags.serviceAccountKeyFile) {
                keys.addAll(ServiceAccountKeys.publicKeys(f.toPath()));
            }
        }
        if (keys.isEmpty() && flags.serviceAccountSigningKeyFile != null) {
            keys.add(ServiceAccountKeys.publicKeyOfPrivate(flags.serviceAccountSigningKeyFile.toPath()));
        }
        if (keys.isEmpty() || issuers.isEmpty()) {
            return TokenAuthenticator.none();
        }
        return new ServiceAccountTokenAuthenticator(issuers, keys, lookup, Clock.systemUTC());
    }

    private static TokenRequestSubresource tokenRequests(KubeApiserver flags, List<String> issuers, List<String> apiAudiences,
                                                         ObjectLookup lookup) throws IOException {
        if (flags.serviceAccountSigningKeyFile == null) {
            return TokenRequestSubresource.unconfigured();
        }
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("--service-account-signing-key-file needs --service-account-issuer");
        }
        Path key = flags.serviceAccountSigningKeyFile.toPath();
        TokenGenerator generator = new TokenGenerator(issuers.get(0), ServiceAccountKeys.privateKey(key), ServiceAccountKeys.publicKeyOfPrivate(key));
        return new TokenRequestSubresource(generator, apiAudiences, lookup, Clock.systemUTC());
    }

    Authenticator authenticator() {
        return authenticator;
    }

    TokenAuthenticator tokens() {
        return tokens;
    }

    List<String> apiAudiences() {
        return apiAudiences;
    }

    TokenRequestSubresource tokenRequests() {
        return tokenRequests;
    }

    /** The authorizer chain, usable before {@link #startAuthorizers} (requests are only served after it). */
    Authorizer authorizer() {
        return (user, request) -> chain.get().authorize(user, request);
    }

    RuleResolver ruleResolver() {
        return (user, namespace) -> chain.get().rulesFor(user, namespace);
    }

    /** Starts the informers RBAC and the Node authorizer read, and writes the bootstrap policy. */
    void startAuthorizers(ResourceRegistry registry) {
        List<AuthorizerChain.Mode> chained = new ArrayList<>();
        for (String mode : modes) {
            chained.add(switch (mode) {
                case "AlwaysAllow" -> new AuthorizerChain.Mode(mode, Authorizer.alwaysAllow(), (u, ns) -> everything());
                case "AlwaysDeny" -> new AuthorizerChain.Mode(mode, Authorizer.alwaysDeny(), (u, ns) -> new RuleResolver.Rules(List.of(), List.of(), false));
                case "Node" -> {
                    NodeGraph graph = new NodeGraph();
                    informers.add(new LocalInformer(registry.store("", "pods"), graph).start());
                    var claims = registry.store("", "persistentvolumeclaims");
                    NodeAuthorizer node = new NodeAuthorizer(graph, claims::findQuickly);
                    yield new AuthorizerChain.Mode(mode, node, node);
                }
                default -> {
                    new BootstrapPolicyReconciler(registry.store("rbac.authorization.k8s.io", "clusterroles"),
                            registry.store("rbac.authorization.k8s.io", "clusterrolebindings")).run();
                    rbac = new RbacAuthorizer(informer(registry, "roles"), informer(registry, "rolebindings"),
                            informer(registry, "clusterroles"), informer(registry, "clusterrolebindings"));
                    yield new AuthorizerChain.Mode(mode, rbac, rbac);
                }
            });
        }
        chain.set(new AuthorizerChain(chained));
    }

    private LocalInformer informer(ResourceRegistry registry, String plural) {
        LocalInformer i = new LocalInformer(registry.store("rbac.authorization.k8s.io", plural)).start();
        informers.add(i);
        return i;
    }

    private static RuleResolver.Rules everything() {
        return new RuleResolver.Rules(List.of(PolicyRule.resources(List.of("*"), List.of("*"), List.of("*"))),
                List.of(PolicyRule.urls(List.of("*"), List.of("*"))), false);
    }

    /**
     * The admission plugins kubej has, in upstream's fixed order: the mutating ones, then the
     * webhooks, then ResourceQuota last, so that only what every other plugin admitted is charged.
     */
    static final List<String> ADMISSION_PLUGINS = List.of("NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction",
            "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", MutatingAdmissionWebhook.NAME,
            ValidatingAdmissionWebhook.NAME, "ResourceQuota");

    /**
     * The enabled plugins of {@link #ADMISSION_PLUGINS}, in its order (the order of
     * {@code --enable-admission-plugins} does not matter, as upstream documents). RBAC's
     * escalation check is not a plugin upstream but part of the RBAC kinds' storage; it runs
     * here whenever RBAC is on.
     */
    List<AdmissionPlugin> admissionPlugins(ResourceRegistry registry, Set<String> enabled) {
        List<AdmissionPlugin> plugins = new ArrayList<>();
        for (String name : ADMISSION_PLUGINS) {
            if (name.equals("ResourceQuota") && rbac != null) {
                plugins.add(new EscalationCheck(authorizer(), ruleResolver(), rbac));
            }
            if (enabled.contains(name)) {
                plugins.add(admissionPlugin(name, registry));
            }
        }
        return plugins;
    }

    private AdmissionPlugin admissionPlugin(String name, ResourceRegistry registry) {
        var namespaces = registry.store("", "namespaces");
        return switch (name) {
            case "NamespaceLifecycle" -> new NamespaceLifecycle(ns -> namespaces.findQuickly(null, ns));
            case "LimitRanger" -> {
                var limitRanges = registry.store("", "limitranges");
                yield new LimitRanger(ns -> limitRanges.list(ns, ListOptions.everythingFromCache()).items());
            }
            case "ServiceAccount" -> new ServiceAccountAdmission(registry.store("", "serviceaccounts")::findQuickly);
            case "NodeRestriction" -> new NodeRestriction(registry.store("", "pods")::findQuickly);
            case "PodSecurity" -> new PodSecurity(ns -> namespaces.findQuickly(null, ns));
            case "Priority" -> {
                var classes = registry.store("scheduling.k8s.io", "priorityclasses");
                yield new Priority(n -> classes.findQuickly(null, n), () -> classes.list(null, ListOptions.everythingFromCache()).items());
            }
            case "DefaultTolerationSeconds" -> new DefaultTolerationSeconds();
            case "DefaultStorageClass" -> {
                var storageClasses = registry.store("storage.k8s.io", "storageclasses");
                yield new DefaultStorageClass(() -> storageClasses.list(null, ListOptions.everythingFromCache()).items());
            }
            case MutatingAdmissionWebhook.NAME -> AdmissionWebhooks.mutating(registry, informers::add);
            case ValidatingAdmissionWebhook.NAME -> AdmissionWebhooks.validating(registry, informers::add);
            case "ResourceQuota" -> new ResourceQuotaAdmission(registry.store("", "resourcequotas"), registry::store);
            default -> throw new IllegalStateException("no admission plugin " + name);
        };
    }

    @Override
    public void close() {
        informers.forEach(LocalInformer::close);
    }
}
