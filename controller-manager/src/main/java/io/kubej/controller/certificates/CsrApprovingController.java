package io.kubej.controller.certificates;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.controller.KeyedController;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * CSR approving (upstream: pkg/controller/certificates/approver, "sarapprove";
 * {@code certificatesigningrequest-approving-controller}, acting as {@code certificate-controller}).
 * It approves only kubelet client certificates ({@code kubernetes.io/kube-apiserver-client-kubelet}),
 * and only for requesters the authorizer allows to ask, so that a node can join (with a
 * bootstrap token) and renew its certificate without an administrator:
 *
 * <ul>
 *   <li>a node renewing its own certificate (the requester is the CN it asks for): the
 *       requester may {@code create} {@code certificatesigningrequests/selfnodeclient};</li>
 *   <li>any other kubelet client request: the requester may {@code create}
 *       {@code certificatesigningrequests/nodeclient}.</li>
 * </ul>
 *
 * Each is asked with a SubjectAccessReview for the requester the API server recorded in
 * {@code spec.username}, {@code uid}, {@code groups} and {@code extra}. Approval adds the
 * Approved condition, reason AutoApproved; the signing controller then signs. Anything else is
 * left for a human ({@code kubectl certificate approve}).
 */
public final class CsrApprovingController extends KeyedController {
    public static final String NAME = "certificatesigningrequest-approving-controller";

    /** A kind of request this approver recognizes, the permission that approves it, and what the condition says. */
    record Recognizer(String subresource, String message) {
    }

    static final Recognizer SELF_NODE_CLIENT = new Recognizer("selfnodeclient",
            "Auto approving self kubelet client certificate after SubjectAccessReview.");
    static final Recognizer NODE_CLIENT = new Recognizer("nodeclient",
            "Auto approving kubelet client certificate after SubjectAccessReview.");

    private final KubernetesClient client;
    private final Lister<CertificateSigningRequest> csrs;

    public CsrApprovingController(KubernetesClient client, SharedIndexInformer<CertificateSigningRequest> informer) {
        super(NAME, List.of(informer));
        this.client = client;
        this.csrs = new Lister<>(informer.getIndexer());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CertificateSigningRequest csr) {
                queue.add(csr.getMetadata().getName());
            }

            @Override
            public void onUpdate(CertificateSigningRequest o, CertificateSigningRequest n) {
                queue.add(n.getMetadata().getName());
            }

            @Override
            public void onDelete(CertificateSigningRequest csr, boolean unknown) {
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Not issued, approved or denied yet. */
    static boolean undecided(CertificateSigningRequest csr) {
        CertificateSigningRequestStatus status = csr.getStatus();
        if (status == null) {
            return true;
        }
        if (status.getCertificate() != null && !status.getCertificate().isEmpty()) {
            return false;
        }
        return status.getConditions() == null || status.getConditions().stream()
                .noneMatch(c -> "Approved".equals(c.getType()) || "Denied".equals(c.getType()));
    }

    /**
     * The recognizers that apply, in upstream's order: a kubelet client request that keeps its
     * signer's rules is a node client request, and a self node client one too when the requester
     * is the node it names.
     */
    static List<Recognizer> recognize(CertificateSigningRequest csr, CertificateRequests.Facts request) {
        List<Recognizer> out = new ArrayList<>();
        if (!SignerRules.KUBE_APISERVER_CLIENT_KUBELET.equals(csr.getSpec().getSignerName())
                || SignerRules.violation(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, request, csr.getSpec().getUsages()) != null) {
            return out;
        }
        if (request.commonName().equals(csr.getSpec().getUsername())) {
            out.add(SELF_NODE_CLIENT);
        }
        out.add(NODE_CLIENT);
        return out;
    }

    @Override
    protected void syncHandler(String name) {
        CertificateSigningRequest cached = csrs.get(name);
        if (cached == null || cached.getSpec() == null || !undecided(cached)) {
            return;
        }
        CertificateRequests.Facts request;
        try {
            request = CertificateRequests.facts(CertificateRequests.parse(cached.getSpec().getRequest()));
        } catch (RuntimeException e) {
            return; // unparsable: the signer marks it Failed; nothing to approve
        }
        List<String> tried = new ArrayList<>();
        for (Recognizer r : recognize(cached, request)) {
            tried.add(r.subresource());
            if (allowed(cached, r.subresource())) {
                approve(cached, r.message());
                return;
            }
        }
        if (!tried.isEmpty()) {
            log.info("recognized CSR {} as {} but the SubjectAccessReview was not approved", name, tried);
        }
    }

    /** Asks the authorizer whether the requester may {@code create certificatesigningrequests/<subresource>}. */
    private boolean allowed(CertificateSigningRequest csr, String subresource) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(csr.getSpec().getUsername()).withUid(csr.getSpec().getUid()).withGroups(csr.getSpec().getGroups())
                .withExtra(csr.getSpec().getExtra())
                .withResourceAttributes(new ResourceAttributesBuilder().withGroup("certificates.k8s.io")
                        .withResource("certificatesigningrequests").withSubresource(subresource).withVerb("create").withVersion("*").build())
                .endSpec().build();
        SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    private void approve(CertificateSigningRequest cached, String message) {
        CertificateSigningRequest csr = Serialization.clone(cached);
        if (csr.getStatus() == null) {
            csr.setStatus(new CertificateSigningRequestStatus());
        }
        List<CertificateSigningRequestCondition> conditions = new ArrayList<>(
                csr.getStatus().getConditions() == null ? List.of() : csr.getStatus().getConditions());
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        conditions.add(new CertificateSigningRequestConditionBuilder().withType("Approved").withStatus("True").withReason("AutoApproved")
                .withMessage(message).withLastUpdateTime(now).withLastTransitionTime(now).build());
        csr.getStatus().setConditions(conditions);
        try {
            client.certificates().v1().certificateSigningRequests().resource(csr).subresource("approval").update();
            log.info("approved CSR {}: {}", csr.getMetadata().getName(), message);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
