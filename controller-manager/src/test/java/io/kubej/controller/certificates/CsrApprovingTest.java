package io.kubej.controller.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsrApprovingTest {
    static final List<String> KUBELET_CLIENT = List.of("digital signature", "key encipherment", "client auth");

    static CertificateSigningRequest csr(String signer, String username, List<String> usages) {
        return new CertificateSigningRequestBuilder().withNewMetadata().withName("c").endMetadata().withNewSpec()
                .withSignerName(signer).withUsername(username).withUsages(usages).endSpec().build();
    }

    static CertificateRequests.Facts subject(String cn, String o) {
        return new CertificateRequests.Facts(cn, List.of(o), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void aNodeRenewingItsOwnCertificateIsSelfNodeClientThenNodeClient() {
        var r = CsrApprovingController.recognize(csr(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "system:node:w0", KUBELET_CLIENT),
                subject("system:node:w0", "system:nodes"));
        assertThat(r).containsExactly(CsrApprovingController.SELF_NODE_CLIENT, CsrApprovingController.NODE_CLIENT);
        assertThat(r.get(0).subresource()).isEqualTo("selfnodeclient");
    }

    @Test
    void aBootstrapTokenAskingForANodesCertificateIsNodeClientOnly() {
        var r = CsrApprovingController.recognize(csr(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "system:bootstrap:abcdef", KUBELET_CLIENT),
                subject("system:node:w0", "system:nodes"));
        assertThat(r).containsExactly(CsrApprovingController.NODE_CLIENT);
    }

    @Test
    void otherSignersAndRequestsBreakingTheKubeletClientRulesAreLeftForAHuman() {
        assertThat(CsrApprovingController.recognize(csr(SignerRules.KUBE_APISERVER_CLIENT, "system:node:w0", KUBELET_CLIENT),
                subject("system:node:w0", "system:nodes"))).isEmpty();
        assertThat(CsrApprovingController.recognize(csr(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "system:node:w0", KUBELET_CLIENT),
                subject("system:node:w0", "system:masters"))).isEmpty();
        assertThat(CsrApprovingController.recognize(csr(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "system:node:w0",
                List.of("client auth", "server auth")), subject("system:node:w0", "system:nodes"))).isEmpty();
    }

    @Test
    void decidedOrIssuedRequestsAreNotLookedAtAgain() {
        CertificateSigningRequest pending = csr(SignerRules.KUBE_APISERVER_CLIENT_KUBELET, "u", KUBELET_CLIENT);
        assertThat(CsrApprovingController.undecided(pending)).isTrue();
        CertificateSigningRequest denied = new CertificateSigningRequestBuilder(pending).withNewStatus().addNewCondition().withType("Denied")
                .withStatus("True").endCondition().endStatus().build();
        assertThat(CsrApprovingController.undecided(denied)).isFalse();
        CertificateSigningRequest issued = new CertificateSigningRequestBuilder(pending).withNewStatus().withCertificate("eA==").endStatus().build();
        assertThat(CsrApprovingController.undecided(issued)).isFalse();
    }
}
