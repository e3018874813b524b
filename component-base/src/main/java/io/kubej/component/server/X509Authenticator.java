package io.kubej.component.server;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Client certificates signed by the client CA ({@code --client-ca-file}, or the
 * {@code client-ca-file} the API server publishes): the user is the subject's CN, its groups
 * the O values (upstream: {@code request/x509} with {@code CommonNameUserConversion}).
 */
final class X509Authenticator implements Authenticator {
    private final ClientCertificateVerifier verifier;

    X509Authenticator(Supplier<List<X509Certificate>> clientCas) {
        this.verifier = new ClientCertificateVerifier(clientCas);
    }

    @Override
    public Optional<UserInfo> authenticate(ServingRequest request) throws AuthenticationException {
        if (request.peerCertificates().isEmpty() || !verifier.hasCas()) {
            return Optional.empty();
        }
        verifier.verify(request.peerCertificates());
        var subject = request.peerCertificates().getFirst().getSubjectX500Principal();
        String user = ClientCertificateVerifier.commonName(subject);
        if (user.isEmpty()) {
            throw new AuthenticationException("x509: certificate has no common name");
        }
        return Optional.of(new UserInfo(user, ClientCertificateVerifier.attributes(subject, "O")));
    }
}
