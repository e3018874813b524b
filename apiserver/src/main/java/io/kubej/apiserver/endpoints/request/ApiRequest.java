package io.kubej.apiserver.endpoints.request;

import io.kubej.apiserver.authentication.UserInfo;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * One decoded HTTP request as the handler chain sees it, independent of Netty: method, path,
 * query, the headers the chain needs, body, the client certificates the TLS handshake received
 * (not yet verified: that is authentication's job), the client's IP address, and, after
 * authentication, the user.
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                         byte[] body, List<X509Certificate> peerCertificates, String remoteAddress, UserInfo user) {

    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A header by lower-case name, or "". */
    public String header(String lowerName) {
        return headers.getOrDefault(lowerName, "");
    }

    public ApiRequest withUser(UserInfo u) {
        return new ApiRequest(method, path, query, headers, body, peerCertificates, remoteAddress, u);
    }
}
