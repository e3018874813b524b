package io.kubej.component.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.component.GoDuration;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The secure port's authorization flags (upstream:
 * {@code k8s.io/apiserver/pkg/server/options.DelegatingAuthorizationOptions}); see
 * {@link DelegatingAuthorization} for the order of decisions.
 */
public final class DelegatingAuthorizationOptions {
    private static final Logger log = LoggerFactory.getLogger(DelegatingAuthorizationOptions.class);
    /** Upstream's AlwaysAllowGroups default (no flag): the API server allows system:masters everything anyway. */
    static final List<String> ALWAYS_ALLOW_GROUPS = List.of("system:masters");

    @Option(names = "--authorization-kubeconfig", description = "kubeconfig of the API server that answers SubjectAccessReviews (optional: without it, only the always-allowed paths are served).")
    public Path kubeconfig;

    @Option(names = "--authorization-webhook-cache-authorized-ttl", description = "How long an allowed answer is kept (default 10s).")
    public String allowedTtl = "10s";

    @Option(names = "--authorization-webhook-cache-unauthorized-ttl", description = "How long a denied answer is kept (default 10s).")
    public String deniedTtl = "10s";

    @Option(names = "--authorization-always-allow-paths", split = ",",
            description = "Paths anyone may GET without authorization (default /healthz,/readyz,/livez; a trailing * matches a prefix).")
    public List<String> alwaysAllowPaths = new ArrayList<>(List.of("/healthz", "/readyz", "/livez"));

    public DelegatingAuthorization build(String component) {
        KubernetesClient client = kubeconfig == null ? null : Clients.fromKubeconfig(kubeconfig, component + "/kubej-authorization");
        if (client == null) {
            log.warn("No authorization-kubeconfig provided, so SubjectAccessReview of authorization tokens won't work");
        }
        return new DelegatingAuthorization(ALWAYS_ALLOW_GROUPS, alwaysAllowPaths,
                client == null ? null : DelegatingAuthorization.viaApi(client),
                GoDuration.parse(allowedTtl), GoDuration.parse(deniedTtl), InstantSource.system(), client);
    }
}
