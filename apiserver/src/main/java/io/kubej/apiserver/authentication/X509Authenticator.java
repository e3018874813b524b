package io.kubej.apiserver.authentication;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client-certificate authentication (upstream {@code authentication/request/x509}): the TLS
 * layer has already verified the chain against {@code --client-ca-file}; the user is the
 * subject's CommonName and the groups are its Organization values. That is why the hard way's
 * admin certificate has O=system:masters and the kubelet's CN=system:node:worker-0.
 */
public final class X509Authenticator {
    private X509Authenticator() {
    }

    public static Optional<UserInfo> authenticate(Certificate[] peerChain) {
        if (peerChain == null || peerChain.length == 0 || !(peerChain[0] instanceof X509Certificate cert)) {
            return Optional.empty();
        }
        try {
            LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            String cn = null;
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
            if (cn == null || cn.isEmpty()) {
                return Optional.empty();
            }
            java.util.Collections.reverse(groups);
            groups.add("system:authenticated");
            return Optional.of(new UserInfo(cn, groups));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
