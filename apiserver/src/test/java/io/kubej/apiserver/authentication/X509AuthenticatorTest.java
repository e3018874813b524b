package io.kubej.apiserver.authentication;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.CertificateRequest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class X509AuthenticatorTest {
    private static final CertificateAuthority CA = CertificateAuthority.create();
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create();

    private static X509Certificate client(CertificateAuthority ca, String cn, String... orgs) {
        return ca.issue(CertificateRequest.client(cn.replace(":", "-"), cn, orgs), CertificateAuthority.newKeyPair().getPublic());
    }

    private static ApiRequest presenting(X509Certificate... chain) {
        return new ApiRequest("GET", "/api", Map.of(), Map.of(), new byte[0], List.of(chain), "127.0.0.1", null);
    }

    private final X509Authenticator authenticator = new X509Authenticator(Set.of(new TrustAnchor(CA.certificate(), null)));

    @Test
    void theUserIsTheCommonNameAndTheGroupsTheOrganizations() {
        UserInfo user = authenticator.authenticate(presenting(client(CA, "system:node:worker-0", "system:nodes"))).orElseThrow();

        assertThat(user.name()).isEqualTo("system:node:worker-0");
        assertThat(user.groups()).containsExactly("system:nodes", UserInfo.ALL_AUTHENTICATED);
    }

    @Test
    void aCertificateFromAnotherCaIsRejectedEveryTime() {
        X509Certificate stranger = client(OTHER_CA, "admin", "system:masters");

        assertThat(authenticator.authenticate(presenting(stranger))).isEmpty();
        assertThat(authenticator.authenticate(presenting(stranger))).isEmpty();
    }

    @Test
    void aChainIsVerifiedOnceThenAnsweredFromTheCache() {
        X509Certificate admin = client(CA, "admin", "system:masters");

        UserInfo first = authenticator.authenticate(presenting(admin)).orElseThrow();
        UserInfo again = authenticator.authenticate(presenting(admin)).orElseThrow();

        assertThat(again).isSameAs(first);
        assertThat(authenticator.authenticate(presenting(client(CA, "someone-else")))).get()
                .extracting(UserInfo::name).isEqualTo("someone-else");
    }
}
