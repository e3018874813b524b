package io.kubej.apiserver.registry.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsrRequesterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Resource csrs() {
        return CertificatesResources.resources().get(0);
    }

    @Test
    void aCreatedCsrNamesTheAuthenticatedRequesterWhateverTheBodyClaims() throws Exception {
        ObjectNode csr = (ObjectNode) JSON.readTree("""
                {"metadata":{"name":"n"},"spec":{"request":"eA==","signerName":"kubernetes.io/kube-apiserver-client-kubelet",
                 "username":"system:admin","groups":["system:masters"],"extra":{"x":["y"]}}}""");
        UserInfo node = new UserInfo("system:node:worker-0", "u-1", List.of("system:nodes", "system:authenticated"),
                Map.of("authentication.kubernetes.io/pod-name", List.of("p")));
        csrs().strategy().recordRequester(csr, node);
        assertThat(csr.at("/spec/username").asText()).isEqualTo("system:node:worker-0");
        assertThat(csr.at("/spec/uid").asText()).isEqualTo("u-1");
        assertThat(JSON.convertValue(csr.at("/spec/groups"), List.class)).containsExactly("system:nodes", "system:authenticated");
        assertThat(csr.at("/spec/extra").size()).isEqualTo(1);
        assertThat(csr.at("/spec/extra/authentication.kubernetes.io~1pod-name/0").asText()).isEqualTo("p");
        assertThat(csr.at("/spec/signerName").asText()).as("the rest of the spec is kept").isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
    }

    @Test
    void aRequesterWithoutUidOrExtraLeavesThemOut() throws Exception {
        ObjectNode csr = (ObjectNode) JSON.readTree("{\"spec\":{\"uid\":\"forged\",\"request\":\"eA==\"}}");
        csrs().strategy().recordRequester(csr, new UserInfo("jane", List.of("developers")));
        assertThat(csr.at("/spec").has("uid")).isFalse();
        assertThat(csr.at("/spec").has("extra")).isFalse();
        assertThat(csr.at("/spec/username").asText()).isEqualTo("jane");
    }
}
