package io.kubej.pki;

import java.util.List;
import java.util.Objects;

/**
 * What one certificate should say: the hard way's {@code *-csr.json} plus the cfssl profile it
 * is signed with. The API server's x509 authenticator takes the user from the CN and the groups
 * from the O values, so these two fields are the identity.
 *
 * @param name     file name stem: {@code <name>.pem} and {@code <name>-key.pem}
 * @param commonName  subject CN
 * @param organizations subject O values (the user's groups)
 * @param sans     subject alternative names: IP literals become IP SANs, the rest DNS SANs
 * @param client   extended key usage clientAuth ("TLS Web Client Authentication")
 * @param server   extended key usage serverAuth ("TLS Web Server Authentication")
 */
public record CertificateRequest(String name, String commonName, List<String> organizations,
                                 List<String> sans, boolean client, boolean server) {
    public CertificateRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commonName, "commonName");
        if (name.isBlank() || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("invalid certificate name \"" + name
                    + "\": use letters, digits, '.', '_' and '-'");
        }
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("the common name (CN) must not be empty");
        }
        if (!client && !server) {
            throw new IllegalArgumentException("certificate " + name + " must allow client or server use");
        }
        organizations = List.copyOf(organizations);
        sans = sans.stream().distinct().toList();
        for (String san : sans) {
            if (!IpAddresses.isLiteral(san) && !san.matches("[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("invalid subject alternative name \"" + san
                        + "\": expected an IP address or a DNS name");
            }
        }
    }

    public static CertificateRequest client(String name, String cn, String... orgs) {
        return new CertificateRequest(name, cn, List.of(orgs), List.of(), true, false);
    }

    public String certFile() {
        return name + ".pem";
    }

    public String keyFile() {
        return name + "-key.pem";
    }
}
