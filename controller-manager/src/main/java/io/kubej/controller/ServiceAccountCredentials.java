package io.kubej.controller;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --use-service-account-credentials} (upstream {@code pkg/controller/client_builder.go},
 * the service-account client builder): each controller acts as its own service account
 * {@code kube-system/<controller>}, so RBAC gives it exactly the role
 * {@code system:controller:<controller>} and an audit log says which controller did what. The
 * controller manager's own credentials only create those accounts and ask their tokens
 * (TokenRequest), which are renewed once 80% of their life has passed.
 */
final class ServiceAccountCredentials {
    private static final Logger log = LoggerFactory.getLogger(ServiceAccountCredentials.class);
    static final String NAMESPACE = "kube-system";
    private static final long TOKEN_SECONDS = 3600;

    private final KubernetesClient root;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

    ServiceAccountCredentials(KubernetesClient root) {
        this.root = root;
    }

    /** A client that authenticates as {@code kube-system/<serviceAccount>}. */
    KubernetesClient clientFor(String serviceAccount) {
        return clients.computeIfAbsent(serviceAccount, this::build);
    }

    private KubernetesClient build(String serviceAccount) {
        ensureServiceAccount(serviceAccount);
        Config own = root.getConfiguration();
        Config config = new ConfigBuilder(own)
                // the token alone: a client certificate would authenticate first, as the controller manager
                .withClientCertData(null).withClientCertFile(null).withClientKeyData(null).withClientKeyFile(null)
                .withOauthToken(null).withUsername(null).withPassword(null)
                .withOauthTokenProvider(new RenewingToken(serviceAccount))
                .build();
        config.setUserAgent(own.getUserAgent() + "/" + serviceAccount);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void ensureServiceAccount(String name) {
        try {
            root.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(name).withNamespace(NAMESPACE).endMetadata().build()).create();
            log.info("created service account {}/{}", NAMESPACE, name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The controller's current token, asked again when it is 80% through its life. */
    private final class RenewingToken implements OAuthTokenProvider {
        private final String serviceAccount;
        private String token;
        private Instant renewAt = Instant.EPOCH;

        RenewingToken(String serviceAccount) {
            this.serviceAccount = serviceAccount;
        }

        @Override
        public synchronized String getToken() {
            if (token == null || Instant.now().isAfter(renewAt)) {
                TokenRequest answer = root.serviceAccounts().inNamespace(NAMESPACE).withName(serviceAccount)
                        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build());
                token = answer.getStatus().getToken();
                renewAt = Instant.now().plus(Duration.ofSeconds(TOKEN_SECONDS * 8 / 10));
            }
            return token;
        }
    }

    void close() {
        clients.values().forEach(KubernetesClient::close);
    }
}
