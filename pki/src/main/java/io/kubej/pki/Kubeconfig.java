package io.kubej.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;

/**
 * A kubeconfig as the hard way's four {@code kubectl config} commands leave it
 * ({@code set-cluster --embed-certs=true}, {@code set-credentials --embed-certs=true},
 * {@code set-context default}, {@code use-context default}): one cluster, one user, one context
 * named "default", with the CA, client certificate and key embedded as base64 of the PEM files.
 *
 * <p>The text has the exact shape kubectl writes (keys in alphabetical order, as kubectl
 * marshals through JSON), so a learner can diff it against the hard way's file.
 */
public final class Kubeconfig {
    private Kubeconfig() {
    }

    /** Writes the kubeconfig to {@code file} (atomically, mode 0600: it holds a private key). */
    public static void write(Path file, String clusterName, String serverUrl, Path caPem,
                             Path certPem, Path keyPem, String userName) throws IOException {
        String text = render(clusterName, serverUrl, Files.readAllBytes(caPem),
                Files.readAllBytes(certPem), Files.readAllBytes(keyPem), userName);
        Path dir = file.toAbsolutePath().getParent();
        AtomicFileSet files = new AtomicFileSet(dir);
        files.stage(file.getFileName().toString(), text.getBytes(StandardCharsets.UTF_8), AtomicFileSet.PRIVATE);
        files.commit();
    }

    /** The kubeconfig text; the byte arrays are the PEM files' contents. */
    public static String render(String clusterName, String serverUrl, byte[] caPem, byte[] certPem,
                                byte[] keyPem, String userName) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "apiVersion: v1\n"
                + "clusters:\n"
                + "- cluster:\n"
                + "    certificate-authority-data: " + b64.encodeToString(caPem) + "\n"
                + "    server: " + scalar(serverUrl) + "\n"
                + "  name: " + scalar(clusterName) + "\n"
                + "contexts:\n"
                + "- context:\n"
                + "    cluster: " + scalar(clusterName) + "\n"
                + "    user: " + scalar(userName) + "\n"
                + "  name: default\n"
                + "current-context: default\n"
                + "kind: Config\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: " + scalar(userName) + "\n"
                + "  user:\n"
                + "    client-certificate-data: " + b64.encodeToString(certPem) + "\n"
                + "    client-key-data: " + b64.encodeToString(keyPem) + "\n";
    }

    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off",
            "null", "~", "y", "n");

    /** A YAML scalar: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String s) {
        boolean plain = s.matches("[A-Za-z0-9_./][A-Za-z0-9_./:@-]*")
                && !s.contains("://") && !YAML_WORDS.contains(s.toLowerCase())
                && !s.matches("[-+]?[0-9.]+(e[-+]?[0-9]+)?");
        if (plain || s.matches("https?://[A-Za-z0-9.\\[\\]:_-]+(/[A-Za-z0-9._/-]*)?")) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
