/**
 * The kubelet's HTTPS API on port 10250 (upstream pkg/kubelet/server): {@code /containerLogs},
 * {@code /exec}, {@code /attach}, {@code /portForward}, {@code /healthz}, authenticated with the
 * client CA and authorized by webhook (SubjectAccessReview). Not served yet: a later issue adds
 * it here, reading CRI log files and proxying to containerd's streaming server.
 */
package io.kubej.kubelet.server;
