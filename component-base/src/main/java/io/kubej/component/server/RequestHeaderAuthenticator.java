package io.kubej.component.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A front proxy (the API server's aggregation layer, {@code kubectl proxy}-like gateways) that
 * authenticated the user itself and says who it is in headers: trusted only when the proxy's own
 * client certificate chains to {@code --requestheader-client-ca-file} and, if
 * {@code --requestheader-allowed-names} is given, its CN is one of them (upstream:
 * {@code request/headerrequest}).
 */
final class RequestHeaderAuthenticator implements Authenticator {

    /** The request-header settings: CA bundle, allowed proxy names and the header names. */
    record Config(Supplier<List<X509Certificate>> cas, List<String> allowedNames, List<String> usernameHeaders,
                  List<String> groupHeaders, List<String> extraHeaderPrefixes) {
    }

    private final Config config;
    private final ClientCertificateVerifier verifier;

    RequestHeaderAuthenticator(Config config) {
        this.config = config;
        this.verifier = new ClientCertificateVerifier(config.cas());
    }

    @Override
    public Optional<UserInfo> authenticate(ServingRequest request) throws AuthenticationException {
        if (request.peerCertificates().isEmpty() || !verifier.hasCas()) {
            return Optional.empty();
        }
        verifier.verify(request.peerCertificates());
        String proxy = ClientCertificateVerifier.commonName(request.peerCertificates().getFirst().getSubjectX500Principal());
        if (!config.allowedNames().isEmpty() && !config.allowedNames().contains(proxy)) {
            throw new AuthenticationException("x509: subject with cn=" + proxy + " is not in the allowed list");
        }
        String user = null;
        for (String h : config.usernameHeaders()) {
            String v = request.firstHeader(h);
            if (v != null && !v.isEmpty()) {
                user = v;
                break;
            }
        }
        if (user == null) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        for (String h : config.groupHeaders()) {
            groups.addAll(request.header(h));
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (var e : request.headers().entrySet()) {
            for (String prefix : config.extraHeaderPrefixes()) {
                if (e.getKey().toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))) {
                    // the key is percent-encoded in the header name, and case-folded
                    String key = URLDecoder.decode(e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
                    extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(e.getValue());
                }
            }
        }
        return Optional.of(new UserInfo(user, "", groups, extra));
    }
}
