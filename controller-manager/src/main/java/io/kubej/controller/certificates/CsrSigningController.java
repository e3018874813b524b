package io.kubej.controller.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * CSR signing (upstream: pkg/controller/certificates/signer, one controller per signer; here one
 * controller for every configured signer, acting as {@code certificate-controller}). A
 * CertificateSigningRequest for one of {@link SignerRules#SIGNERS}, once approved
 * ({@code kubectl certificate approve}) and not denied or failed, gets
 * {@code status.certificate} signed by the cluster CA; {@code kubectl get csr NAME -o
 * jsonpath='{.status.certificate}' | base64 -d} then gives the certificate. A request that
 * breaks its signer's rules gets {@code Failed} (reason {@code SignerValidationFailure}) instead.
 */
public final class CsrSigningController extends KeyedController {
    public static final String NAME = "certificatesigningrequest-signing-controller";

    private final KubernetesClient client;
    private final Lister<CertificateSigningRequest> csrs;
    private final Map<String, CsrSigner> signers;

    /** @param signers signer name -> the CA that signs for it */
    CsrSigningController(KubernetesClient client, SharedIndexInformer<CertificateSigningRequest> csrInformer,
                         Map<String, CsrSigner> signers) {
        super(NAME, List.of(csrInformer));
        this.client = client;
        this.csrs = new Lister<>(csrInformer.getIndexer());
        this.signers = Map.copyOf(signers);
        csrInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CertificateSigningRequest csr) {
                queue.add(csr.getMetadata().getName());
            }

            @Override
            public void onUpdate(CertificateSigningRequest oldCsr, CertificateSigningRequest newCsr) {
                queue.add(newCsr.getMetadata().getName());
            }

            @Override
            public void onDelete(CertificateSigningRequest csr, boolean finalStateUnknown) {
                // nothing to undo
            }
        });
    }

    /**
     * The signing controller for {@code --cluster-signing-*}: the cluster-wide CA signs for every
     * signer, unless a signer has its own files. Null when no CA is configured (upstream then
     * skips the controller too).
     */
    public static CsrSigningController fromFlags(KubernetesClient client, SharedIndexInformer<CertificateSigningRequest> informer,
                                                 SigningFlags flags) {
        Map<String, CsrSigner> signers = flags.signers();
        return signers.isEmpty() ? null : new CsrSigningController(client, informer, signers);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void syncHandler(String name) {
        CertificateSigningRequest cached = csrs.get(name);
        if (cached == null || !needsSigning(cached)) {
            return;
        }
        CsrSigner signer = signers.get(cached.getSpec().getSignerName());
        if (signer == null) {
            return; // another signer's request (or one kubej has no CA for)
        }
        CertificateSigningRequest csr = Serialization.clone(cached);
        PKCS10CertificationRequest request = CertificateRequests.parse(csr.getSpec().getRequest());
        String violation = SignerRules.violation(csr.getSpec().getSignerName(), CertificateRequests.facts(request), csr.getSpec().getUsages());
        if (violation != null) {
            List<CertificateSigningRequestCondition> conditions = new ArrayList<>(csr.getStatus().getConditions());
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            conditions.add(new CertificateSigningRequestConditionBuilder().withType("Failed").withStatus("True")
                    .withReason("SignerValidationFailure").withMessage(violation).withLastUpdateTime(now).withLastTransitionTime(now).build());
            csr.getStatus().setConditions(conditions);
            log.info("CSR {} for {} fails its signer's rules: {}", name, csr.getSpec().getSignerName(), violation);
        } else {
            String pem = signer.sign(request, csr.getSpec().getUsages(), csr.getSpec().getExpirationSeconds(), Instant.now());
            csr.getStatus().setCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
            log.info("Signed CSR {} for {}", name, csr.getSpec().getSignerName());
        }
        try {
            client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e; // 409: the cache was stale; the next event brings it back
            }
        }
    }

    /** Approved, not denied or failed, and without a certificate yet (upstream's IsCertificateRequestApproved and friends). */
    static boolean needsSigning(CertificateSigningRequest csr) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
            return false;
        }
        if (csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty()) {
            return false;
        }
        boolean approved = false;
        for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
            boolean isTrue = c.getStatus() == null || c.getStatus().isEmpty() || "True".equals(c.getStatus());
            if (isTrue && ("Denied".equals(c.getType()) || "Failed".equals(c.getType()))) {
                return false;
            }
            approved |= isTrue && "Approved".equals(c.getType());
        }
        return approved;
    }
}
