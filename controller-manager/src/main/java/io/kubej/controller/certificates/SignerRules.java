package io.kubej.controller.certificates;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What each built-in signer agrees to sign (upstream: the checks of
 * pkg/controller/certificates/signer and pkg/apis/certificates' ValidateKubelet*CSR; the
 * signers are described on the "Certificates and Certificate Signing Requests" docs page).
 * A request another signer would take is not this one's business; a request for this signer
 * that breaks its rules fails for good ({@code Failed}, reason {@code SignerValidationFailure}).
 */
public final class SignerRules {
    public static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
    public static final String KUBE_APISERVER_CLIENT_KUBELET = "kubernetes.io/kube-apiserver-client-kubelet";
    public static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
    public static final List<String> SIGNERS = List.of(KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING);

    static final String DIGITAL_SIGNATURE = "digital signature";
    static final String KEY_ENCIPHERMENT = "key encipherment";
    static final String CLIENT_AUTH = "client auth";
    static final String SERVER_AUTH = "server auth";
    private static final String NODE_PREFIX = "system:node:";
    private static final List<String> NODES_GROUP = List.of("system:nodes");

    private SignerRules() {
    }

    /** Null when {@code signer} may sign this request with these usages, else why not. */
    public static String violation(String signer, CertificateRequests.Facts req, List<String> usages) {
        Set<String> u = new HashSet<>(usages == null ? List.of() : usages);
        return switch (signer) {
            case KUBE_APISERVER_CLIENT -> apiServerClient(u);
            case KUBE_APISERVER_CLIENT_KUBELET -> kubeletClient(req, u);
            case KUBELET_SERVING -> kubeletServing(req, u);
            default -> "unrecognized signerName: " + signer;
        };
    }

    /** Any subject; usages among digital signature, key encipherment and client auth, client auth required. */
    private static String apiServerClient(Set<String> usages) {
        for (String usage : usages) {
            if (!Set.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, CLIENT_AUTH).contains(usage)) {
                return "invalid usage for client certificate: " + usage;
            }
        }
        return usages.contains(CLIENT_AUTH) ? null : "missing required usage for client certificate: " + CLIENT_AUTH;
    }

    /** A node's client certificate: O=system:nodes, CN=system:node:<name>, no SANs at all. */
    private static String kubeletClient(CertificateRequests.Facts req, Set<String> usages) {
        if (!NODES_GROUP.equals(req.organizations())) {
            return "subject organization is not system:nodes";
        }
        if (!req.dnsNames().isEmpty()) {
            return "DNS subjectAltNames are not allowed";
        }
        if (!req.emailAddresses().isEmpty()) {
            return "Email subjectAltNames are not allowed";
        }
        if (!req.ipAddresses().isEmpty()) {
            return "IP subjectAltNames are not allowed";
        }
        if (!req.uris().isEmpty()) {
            return "URI subjectAltNames are not allowed";
        }
        if (!req.commonName().startsWith(NODE_PREFIX)) {
            return "subject common name does not begin with system:node:";
        }
        return exactly(usages, CLIENT_AUTH);
    }

    /** A kubelet's serving certificate: O=system:nodes, CN=system:node:<name>, at least one DNS or IP SAN. */
    private static String kubeletServing(CertificateRequests.Facts req, Set<String> usages) {
        if (!NODES_GROUP.equals(req.organizations())) {
            return "subject organization is not system:nodes";
        }
        if (req.dnsNames().isEmpty() && req.ipAddresses().isEmpty()) {
            return "DNS or IP subjectAltName is required";
        }
        if (!req.emailAddresses().isEmpty()) {
            return "Email subjectAltNames are not allowed";
        }
        if (!req.uris().isEmpty()) {
            return "URI subjectAltNames are not allowed";
        }
        String usageError = exactly(usages, SERVER_AUTH);
        if (usageError != null) {
            return usageError;
        }
        return req.commonName().startsWith(NODE_PREFIX) ? null : "subject common name does not begin with system:node:";
    }

    /**
     * The kubelet signers' usages: exactly {digital signature, key encipherment, auth}, or without
     * key encipherment (a non-RSA key cannot encipher).
     */
    private static String exactly(Set<String> usages, String auth) {
        Set<String> rsa = Set.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, auth);
        Set<String> noRsa = Set.of(DIGITAL_SIGNATURE, auth);
        return usages.equals(rsa) || usages.equals(noRsa) ? null
                : "usages did not match [" + String.join(" ", rsa.stream().sorted().toList()) + "]";
    }
}
