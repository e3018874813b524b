/**
 * A component's secure port, as upstream's {@code k8s.io/apiserver} gives it to
 * kube-controller-manager (10257) and kube-scheduler (10259): HTTPS
 * ({@link io.kubej.component.server.SecureServingOptions}), then each request authenticated
 * ({@link io.kubej.component.server.DelegatingAuthenticationOptions}: front-proxy headers, client
 * certificates, bearer tokens through TokenReview, else anonymous) and authorized
 * ({@link io.kubej.component.server.DelegatingAuthorizationOptions}: system:masters, always-allowed
 * health paths, else a SubjectAccessReview), all delegated to the API server.
 *
 * <p>To put it in front of another component: mix the three option classes into its command,
 * build the authenticator and authorizer at start, and hand them to
 * {@link io.kubej.component.server.SecureServing#start}. The pieces
 * ({@link io.kubej.component.server.Authenticator}, {@link io.kubej.component.server.Authorizer},
 * {@link io.kubej.component.server.ServingRequest}) do not depend on the JDK server, so another
 * server (the kubelet's 10250) can run the same authentication chain; its authorization asks
 * about resource attributes ({@code nodes/proxy}, {@code nodes/log}, ...), which
 * {@link io.kubej.component.server.Authorizer} (non-resource paths only) does not model yet.
 */
package io.kubej.component.server;
