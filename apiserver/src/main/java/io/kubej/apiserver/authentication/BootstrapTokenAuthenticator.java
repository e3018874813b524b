package io.kubej.apiserver.authentication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bootstrap tokens ({@code --enable-bootstrap-token-auth}, upstream
 * {@code plugin/pkg/auth/authenticator/token/bootstrap}): the short-lived
 * {@code <id>.<secret>} tokens a new node presents to join, before it has a certificate. Each is a
 * Secret {@code kube-system/bootstrap-token-<id>} of type {@code bootstrap.kubernetes.io/token}
 * with {@code token-secret}, {@code usage-bootstrap-authentication: "true"} and an optional
 * {@code expiration}; the user is {@code system:bootstrap:<id>} in {@code system:bootstrappers}
 * plus the Secret's {@code auth-extra-groups}.
 */
public final class BootstrapTokenAuthenticator implements TokenAuthenticator {
    static final Pattern TOKEN = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
    static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    static final String GROUP = "system:bootstrappers";

    private final Function<String, Optional<ObjectNode>> kubeSystemSecrets;
    private final Clock clock;

    /** @param kubeSystemSecrets reads a Secret of kube-system by name */
    public BootstrapTokenAuthenticator(Function<String, Optional<ObjectNode>> kubeSystemSecrets, Clock clock) {
        this.kubeSystemSecrets = kubeSystemSecrets;
        this.clock = clock;
    }

    @Override
    public Optional<Authenticated> authenticateToken(String token, List<String> audiences) {
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        Optional<ObjectNode> found = kubeSystemSecrets.apply("bootstrap-token-" + id);
        if (found.isEmpty() || !SECRET_TYPE.equals(found.get().path("type").asText())) {
            return Optional.empty();
        }
        ObjectNode secret = found.get();
        if (secret.path("metadata").has("deletionTimestamp")) {
            return Optional.empty();
        }
        JsonNode data = secret.path("data");
        if (!constantTimeEquals(value(data, "token-secret"), m.group(2)) || !"true".equals(value(data, "usage-bootstrap-authentication"))) {
            return Optional.empty();
        }
        String expiration = value(data, "expiration");
        if (!expiration.isEmpty() && !clock.instant().isBefore(Instant.parse(expiration))) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>(List.of(GROUP));
        for (String g : value(data, "auth-extra-groups").split(",")) {
            if (g.trim().startsWith("system:bootstrappers:") && !groups.contains(g.trim())) {
                groups.add(g.trim());
            }
        }
        groups.add(UserInfo.ALL_AUTHENTICATED);
        return Optional.of(new Authenticated(new UserInfo("system:bootstrap:" + id, groups), audiences));
    }

    private static String value(JsonNode data, String key) {
        String b64 = data.path(key).asText("");
        return b64.isEmpty() ? "" : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
