package io.kubej.controller.certificates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CSR signing flags (upstream: CSRSigningControllerOptions): one CA for every signer
 * ({@code --cluster-signing-cert-file}/{@code --cluster-signing-key-file}, as the hard way
 * gives), or one per signer ({@code --cluster-signing-kubelet-serving-cert-file}, ...), not
 * both; {@code --cluster-signing-duration} caps every certificate's life.
 */
public record SigningFlags(String certFile, String keyFile, Duration duration,
                           String kubeletServingCertFile, String kubeletServingKeyFile,
                           String kubeletClientCertFile, String kubeletClientKeyFile,
                           String kubeApiserverClientCertFile, String kubeApiserverClientKeyFile) {

    /** Signer name -> signer, for the signers that have a CA. */
    Map<String, CsrSigner> signers() {
        boolean perSigner = set(kubeletServingCertFile) || set(kubeletServingKeyFile) || set(kubeletClientCertFile)
                || set(kubeletClientKeyFile) || set(kubeApiserverClientCertFile) || set(kubeApiserverClientKeyFile);
        if ((set(certFile) || set(keyFile)) && perSigner) {
            throw new IllegalArgumentException("cannot specify --cluster-signing-{cert,key}-file and other --cluster-signing-*-file flags at the same time");
        }
        Map<String, CsrSigner> out = new LinkedHashMap<>();
        if (set(certFile) || set(keyFile)) {
            CsrSigner one = load("--cluster-signing", certFile, keyFile);
            SignerRules.SIGNERS.forEach(s -> out.put(s, one));
            return out;
        }
        add(out, SignerRules.KUBELET_SERVING, "--cluster-signing-kubelet-serving", kubeletServingCertFile, kubeletServingKeyFile);
        add(out, SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "--cluster-signing-kubelet-client", kubeletClientCertFile, kubeletClientKeyFile);
        add(out, SignerRules.KUBE_APISERVER_CLIENT, "--cluster-signing-kube-apiserver-client", kubeApiserverClientCertFile, kubeApiserverClientKeyFile);
        return out;
    }

    private void add(Map<String, CsrSigner> out, String signer, String flag, String cert, String key) {
        if (set(cert) || set(key)) {
            out.put(signer, load(flag, cert, key));
        }
    }

    private CsrSigner load(String flag, String cert, String key) {
        if (!set(cert) || !set(key)) {
            throw new IllegalArgumentException(flag + "-cert-file and " + flag + "-key-file must be given together");
        }
        return CsrSigner.fromFiles(Path.of(cert), Path.of(key), duration);
    }

    private static boolean set(String s) {
        return s != null && !s.isEmpty();
    }
}
