package io.kubej.component.server;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the authenticators and authorizers see of one request: method, path, headers (names
 * case-insensitive, as HTTP says) and the client's certificate chain from the TLS handshake
 * (empty when the client sent none).
 */
public record ServingRequest(String method, String path, Map<String, List<String>> headers, List<X509Certificate> peerCertificates) {

    public ServingRequest {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.merge(k, List.copyOf(v), (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        headers = java.util.Collections.unmodifiableMap(h);
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** Every value of a header, in order; empty when absent. */
    public List<String> header(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The first value of a header, or null. */
    public String firstHeader(String name) {
        List<String> v = header(name);
        return v.isEmpty() ? null : v.getFirst();
    }

    /** The verb a non-resource request is authorized for: the HTTP method in lower case (upstream's RequestInfo). */
    public String verb() {
        return method.toLowerCase(Locale.ROOT);
    }
}
