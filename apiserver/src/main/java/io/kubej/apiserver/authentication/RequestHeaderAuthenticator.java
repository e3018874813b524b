package io.kubej.apiserver.authentication;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The front proxy's headers ({@code --requestheader-*}, upstream
 * {@code authentication/request/headerrequest}): an aggregating proxy that has already
 * authenticated the user passes it on as {@code X-Remote-User}, {@code X-Remote-Group} and
 * {@code X-Remote-Extra-<key>}. They are believed only from a client certificate signed by
 * {@code --requestheader-client-ca-file} whose CommonName is one of
 * {@code --requestheader-allowed-names} (any, if none are listed); from anyone else they mean
 * nothing, or anybody could claim to be anybody.
 */
public final class RequestHeaderAuthenticator implements Authenticator {
    private final X509Authenticator proxyCertificates;
    private final Set<String> allowedNames;
    private final List<String> userHeaders;
    private final List<String> groupHeaders;
    private final List<String> extraPrefixes;

    public RequestHeaderAuthenticator(X509Authenticator proxyCertificates, List<String> allowedNames, List<String> userHeaders,
                                      List<String> groupHeaders, List<String> extraPrefixes) {
        this.proxyCertificates = proxyCertificates;
        this.allowedNames = Set.copyOf(allowedNames);
        this.userHeaders = lower(userHeaders);
        this.groupHeaders = lower(groupHeaders);
        this.extraPrefixes = lower(extraPrefixes);
    }

    private static List<String> lower(List<String> headers) {
        return headers.stream().map(String::toLowerCase).toList();
    }

    @Override
    public Optional<UserInfo> authenticate(ApiRequest request) {
        String user = userHeaders.stream().map(request::header).filter(h -> !h.isBlank()).findFirst().orElse("");
        if (user.isEmpty()) {
            return Optional.empty();
        }
        Optional<UserInfo> proxy = proxyCertificates.authenticate(request);
        if (proxy.isEmpty() || !allowedNames.isEmpty() && !allowedNames.contains(proxy.get().name())) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        for (String h : groupHeaders) {
            for (String g : request.header(h).split(",")) {
                if (!g.isBlank()) {
                    groups.add(g.trim());
                }
            }
        }
        groups.add(UserInfo.ALL_AUTHENTICATED);
        Map<String, List<String>> extra = new LinkedHashMap<>();
        request.headers().forEach((k, v) -> extraPrefixes.stream().filter(k::startsWith).findFirst().ifPresent(prefix ->
                extra.put(java.net.URLDecoder.decode(k.substring(prefix.length()), java.nio.charset.StandardCharsets.UTF_8),
                        List.of(v.split(",")))));
        return Optional.of(new UserInfo(user.trim(), "", groups, extra));
    }
}
