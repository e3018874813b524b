package io.kubej.component.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kubej.component.Component;
import io.kubej.component.ComponentServer;
import io.kubej.component.ConfigurationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's secure port (upstream: {@code SecureServingInfo.Serve} behind the controller
 * manager's and scheduler's {@code BuildHandlerChain}): HTTPS with the JDK's TLS, then, for
 * every request, authenticate (401 when credentials are wrong), authorize the non-resource path
 * and verb (403 unless allowed), and only then the handler.
 *
 * <p>The TLS handshake asks for a client certificate but accepts any or none: the
 * authenticators decide what a certificate proves, against their own CAs.
 */
public final class SecureServing {
    private static final Logger log = LoggerFactory.getLogger(SecureServing.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecureServing() {
    }

    /**
     * What kube-controller-manager and kube-scheduler do with their flags: build the delegated
     * authenticator and authorizer (reaching the API server when their kubeconfigs are given) and
     * serve the secure port; null, and nothing built, with {@code --secure-port=0}.
     */
    public static ComponentServer start(Component component, SecureServingOptions options,
                                        DelegatingAuthenticationOptions authentication, DelegatingAuthorizationOptions authorization)
            throws ConfigurationException, IOException {
        if (!options.enabled()) {
            log.info("{}: --secure-port=0, serving nothing", component.name());
            return null;
        }
        DelegatingAuthentication authn = authentication.build(component.name());
        DelegatingAuthorization authz;
        try {
            authz = authorization.build(component.name());
        } catch (RuntimeException e) {
            authn.close();
            throw e;
        }
        ComponentServer server = start(component, options, authn, authz);
        log.info("{}: serving securely on {}:{}", component.name(), options.bindAddress, server.port());
        return server;
    }

    /**
     * Serves {@code component}'s health and metrics on the secure port, or returns null when
     * {@code --secure-port=0}. The authenticator and authorizer are closed with the server.
     */
    public static ComponentServer start(Component component, SecureServingOptions options,
                                        DelegatingAuthentication authentication, DelegatingAuthorization authorization)
            throws ConfigurationException, IOException {
        if (!options.enabled()) {
            authentication.close();
            authorization.close();
            return null;
        }
        try {
            return serve(component, options, authentication, authorization);
        } catch (ConfigurationException | IOException | RuntimeException e) {
            authentication.close();
            authorization.close();
            throw e;
        }
    }

    private static ComponentServer serve(Component component, SecureServingOptions options,
                                         DelegatingAuthentication authentication, DelegatingAuthorization authorization)
            throws ConfigurationException, IOException {
        if (options.tlsCipherSuites != null && !options.tlsCipherSuites.isEmpty()) {
            log.warn("flag --tls-cipher-suites={} is accepted but ignored: kubej uses the JDK's default cipher suites", options.tlsCipherSuites);
        }
        ServingCertificate cert = options.servingCertificate();
        List<String> protocols = options.protocols();
        SSLContext tls = sslContext(cert);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(options.bindInetAddress(), options.bindPort), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setWantClientAuth(true);
                p.setProtocols(protocols.toArray(String[]::new));
                params.setSSLParameters(p);
            }
        });
        return ComponentServer.start(component, server, List.of(new AuthFilter(authentication, authorization)),
                List.of(authentication, authorization));
    }

    private static SSLContext sslContext(ServingCertificate cert) throws ConfigurationException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] password = new char[0];
            ks.setKeyEntry("serving", cert.key(), password, cert.chain().toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new AnyClientCertificate()}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException("cannot use the serving certificate: " + e.getMessage());
        }
    }

    /** Authentication, then authorization, in front of every path (upstream: WithAuthentication, WithAuthorization). */
    static final class AuthFilter extends Filter {
        private final Authenticator authentication;
        private final Authorizer authorization;

        AuthFilter(Authenticator authentication, Authorizer authorization) {
            this.authentication = authentication;
            this.authorization = authorization;
        }

        @Override
        public void doFilter(HttpExchange ex, Chain chain) throws IOException {
            ServingRequest request = new ServingRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders(), peerCertificates(ex));
            Optional<UserInfo> user;
            try {
                user = authentication.authenticate(request);
            } catch (AuthenticationException e) {
                log.debug("Unable to authenticate the request to {}: {}", request.path(), e.getMessage());
                status(ex, 401, "Unauthorized", "Unauthorized");
                return;
            }
            if (user.isEmpty()) {
                status(ex, 401, "Unauthorized", "Unauthorized");
                return;
            }
            UserInfo u = user.get();
            if (authorization.authorize(u, request.verb(), request.path()) != Authorizer.Decision.ALLOW) {
                log.debug("Forbidden: {} {} for {}", request.verb(), request.path(), u.name());
                status(ex, 403, "Forbidden", "forbidden: User \"" + u.name() + "\" cannot " + request.verb() + " path \"" + request.path() + "\"");
                return;
            }
            ex.setAttribute(UserInfo.class.getName(), u);
            chain.doFilter(ex);
        }

        @Override
        public String description() {
            return "authentication and authorization";
        }

        private static List<X509Certificate> peerCertificates(HttpExchange ex) {
            if (!(ex instanceof HttpsExchange https)) {
                return List.of();
            }
            try {
                List<X509Certificate> certs = new ArrayList<>();
                for (Certificate c : https.getSSLSession().getPeerCertificates()) {
                    certs.add((X509Certificate) c);
                }
                return certs;
            } catch (SSLPeerUnverifiedException e) {
                return List.of(); // no client certificate
            }
        }

        /** A metav1.Status, as upstream's responsewriters write 401 and 403. */
        private static void status(HttpExchange ex, int code, String reason, String message) throws IOException {
            ObjectNode s = JSON.createObjectNode();
            s.put("kind", "Status").put("apiVersion", "v1");
            s.putObject("metadata");
            s.put("status", "Failure").put("message", message).put("reason", reason);
            s.putObject("details");
            s.put("code", code);
            byte[] body = JSON.writeValueAsBytes(s);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /**
     * Takes any client certificate in the handshake (upstream: {@code tls.RequestClientCert});
     * whether it means anything is the authenticators' business.
     */
    private static final class AnyClientCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server does not check servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
