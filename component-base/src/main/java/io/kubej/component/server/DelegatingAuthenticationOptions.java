package io.kubej.component.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.component.ConfigurationException;
import io.kubej.component.GoDuration;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The secure port's authentication flags (upstream:
 * {@code k8s.io/apiserver/pkg/server/options.DelegatingAuthenticationOptions}): who may be
 * recognised, all by asking or trusting the API server.
 *
 * <p>Client CA and front-proxy settings not given as flags are looked up, unless
 * {@code --authentication-skip-lookup}, in the ConfigMap {@code kube-system/extension-apiserver-authentication}
 * that the API server publishes; a missing ConfigMap means "none", any other failure stops the
 * start unless {@code --authentication-tolerate-lookup-failure}. Without
 * {@code --authentication-kubeconfig}, tokens are not checked and nothing is looked up: every
 * request without a trusted certificate is anonymous.
 */
public final class DelegatingAuthenticationOptions {
    private static final Logger log = LoggerFactory.getLogger(DelegatingAuthenticationOptions.class);
    static final String CONFIG_MAP_NAMESPACE = "kube-system";
    static final String CONFIG_MAP_NAME = "extension-apiserver-authentication";

    @Option(names = "--authentication-kubeconfig", description = "kubeconfig of the API server that answers TokenReviews (optional: without it, tokens are not checked).")
    public Path kubeconfig;

    @Option(names = "--authentication-token-webhook-cache-ttl", description = "How long TokenReview answers are kept (default 10s).")
    public String cacheTtl = "10s";

    @Option(names = "--client-ca-file", description = "CA bundle for client certificates: the user is the CN, the groups the O values.")
    public Path clientCaFile;

    @Option(names = "--requestheader-client-ca-file", description = "CA bundle of front proxies whose user headers are trusted.")
    public Path requestheaderClientCaFile;

    @Option(names = "--requestheader-allowed-names", split = ",", description = "CNs of front-proxy certificates allowed (empty: any the CA signed).")
    public List<String> requestheaderAllowedNames = new ArrayList<>();

    @Option(names = "--requestheader-username-headers", split = ",", description = "Headers naming the user (default x-remote-user).")
    public List<String> requestheaderUsernameHeaders = new ArrayList<>(List.of("x-remote-user"));

    @Option(names = "--requestheader-group-headers", split = ",", description = "Headers naming groups (default x-remote-group).")
    public List<String> requestheaderGroupHeaders = new ArrayList<>(List.of("x-remote-group"));

    @Option(names = "--requestheader-extra-headers-prefix", split = ",", description = "Prefixes of headers with extra user attributes (default x-remote-extra-).")
    public List<String> requestheaderExtraHeadersPrefix = new ArrayList<>(List.of("x-remote-extra-"));

    @Option(names = "--authentication-skip-lookup", arity = "0..1", fallbackValue = "true",
            description = "Do not look missing settings up in kube-system/extension-apiserver-authentication.")
    public boolean skipLookup;

    @Option(names = "--authentication-tolerate-lookup-failure", arity = "0..1", fallbackValue = "true",
            description = "Start even if that lookup fails (requests may then all be anonymous).")
    public boolean tolerateLookupFailure;

    /** kube-controller-manager's defaults. */
    public DelegatingAuthenticationOptions() {
    }

    /** kube-scheduler's defaults: it starts even if the lookup fails, as upstream. */
    public static DelegatingAuthenticationOptions toleratingLookupFailure() {
        DelegatingAuthenticationOptions o = new DelegatingAuthenticationOptions();
        o.tolerateLookupFailure = true;
        return o;
    }

    /** Builds the authenticator chain; talks to the API server when a kubeconfig is given. */
    public DelegatingAuthentication build(String component) throws ConfigurationException {
        KubernetesClient client = kubeconfig == null ? null : Clients.fromKubeconfig(kubeconfig, component + "/kubej-authentication");
        if (client == null) {
            log.warn("No authentication-kubeconfig provided, so bearer tokens are not checked and no client CA is looked up in the cluster");
        }
        try {
            Map<String, String> published = needsLookup() && client != null ? lookUp(client) : Map.of();
            List<Authenticator> chain = new ArrayList<>();
            RequestHeaderAuthenticator.Config requestHeader = requestHeaderConfig(published);
            if (requestHeader != null) {
                chain.add(new RequestHeaderAuthenticator(requestHeader));
            }
            List<X509Certificate> clientCas = clientCaFile != null ? read("--client-ca-file", clientCaFile)
                    : published.containsKey("client-ca-file") ? parse("client-ca-file", published.get("client-ca-file")) : List.of();
            if (!clientCas.isEmpty()) {
                chain.add(new X509Authenticator(() -> clientCas));
            }
            if (client != null) {
                chain.add(new WebhookTokenAuthenticator(WebhookTokenAuthenticator.viaApi(client), GoDuration.parse(cacheTtl), InstantSource.system()));
            }
            return new DelegatingAuthentication(chain, true, client == null ? List.of() : List.of(client));
        } catch (ConfigurationException | RuntimeException e) {
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    private boolean needsLookup() {
        return !skipLookup && (clientCaFile == null || requestheaderClientCaFile == null);
    }

    /** The API server's ConfigMap, or nothing when it has none; other failures per --authentication-tolerate-lookup-failure. */
    private Map<String, String> lookUp(KubernetesClient client) throws ConfigurationException {
        try {
            ConfigMap cm = client.configMaps().inNamespace(CONFIG_MAP_NAMESPACE).withName(CONFIG_MAP_NAME).get();
            return cm == null || cm.getData() == null ? Map.of() : cm.getData();
        } catch (RuntimeException e) {
            String why = "unable to look up configmap/" + CONFIG_MAP_NAME + " in " + CONFIG_MAP_NAMESPACE + ": " + e.getMessage();
            if (tolerateLookupFailure) {
                log.warn("Error looking up in-cluster authentication configuration: {}; continuing without it, "
                        + "which may treat all requests as anonymous (set --authentication-tolerate-lookup-failure=false to require it)", why);
                return Map.of();
            }
            throw new ConfigurationException(why);
        }
    }

    private RequestHeaderAuthenticator.Config requestHeaderConfig(Map<String, String> published) throws ConfigurationException {
        if (requestheaderClientCaFile != null) {
            List<X509Certificate> cas = read("--requestheader-client-ca-file", requestheaderClientCaFile);
            return new RequestHeaderAuthenticator.Config(() -> cas, List.copyOf(requestheaderAllowedNames),
                    List.copyOf(requestheaderUsernameHeaders), List.copyOf(requestheaderGroupHeaders), List.copyOf(requestheaderExtraHeadersPrefix));
        }
        String ca = published.get("requestheader-client-ca-file");
        if (ca == null || ca.isBlank()) {
            return null;
        }
        List<X509Certificate> cas = parse("requestheader-client-ca-file", ca);
        return new RequestHeaderAuthenticator.Config(() -> cas, jsonList(published, "requestheader-allowed-names"),
                jsonList(published, "requestheader-username-headers"), jsonList(published, "requestheader-group-headers"),
                jsonList(published, "requestheader-extra-headers-prefix"));
    }

    /** The ConfigMap keeps lists as JSON arrays of strings. */
    private static List<String> jsonList(Map<String, String> data, String key) throws ConfigurationException {
        String v = data.get(key);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        try {
            return List.of(new ObjectMapper().readValue(v, String[].class));
        } catch (IOException e) {
            throw new ConfigurationException("configmap/" + CONFIG_MAP_NAME + ": " + key + " is not a JSON list of strings");
        }
    }

    private static List<X509Certificate> read(String flag, Path file) throws ConfigurationException {
        try {
            return ServingCertificate.readCertificates(file);
        } catch (IOException e) {
            throw new ConfigurationException(flag + " " + file + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> parse(String key, String pem) throws ConfigurationException {
        try {
            return ServingCertificate.parseCertificates(pem);
        } catch (IOException e) {
            throw new ConfigurationException("configmap/" + CONFIG_MAP_NAME + ": " + key + ": " + e.getMessage());
        }
    }
}
