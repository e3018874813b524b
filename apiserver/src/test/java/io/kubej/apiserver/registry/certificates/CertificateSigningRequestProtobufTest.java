package io.kubej.apiserver.registry.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CertificateSigningRequestProtobufTest {
    interface Writer {
        void write(CodedOutputStream out) throws Exception;
    }

    static ByteString message(Writer w) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        w.write(out);
        out.flush();
        return ByteString.copyFrom(buf.toByteArray());
    }

    @Test
    void theBodyOfKubectlCertificateApproveDecodesWithItsRequestAndCondition() throws Exception {
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
        ByteString meta = message(o -> o.writeString(1, "jane"));
        ByteString spec = message(o -> {
            o.writeBytes(1, ByteString.copyFrom(pem, StandardCharsets.US_ASCII));
            o.writeString(5, "client auth");
            o.writeString(7, "kubernetes.io/kube-apiserver-client");
            o.writeInt32(8, 86400);
        });
        ByteString time = message(o -> o.writeInt64(1, 1_796_119_200L)); // 2026-12-01T10:00:00Z
        ByteString approved = message(o -> {
            o.writeString(1, "Approved");
            o.writeString(2, "KubectlApprove");
            o.writeString(3, "This CSR was approved by kubectl certificate approve.");
            o.writeBytes(4, time);
            o.writeString(6, "True");
        });
        ByteString status = message(o -> o.writeBytes(1, approved));
        byte[] raw = message(o -> {
            o.writeBytes(1, meta);
            o.writeBytes(2, spec);
            o.writeBytes(3, status);
        }).toByteArray();

        ObjectNode csr = CertificatesResources.PROTO.decoder().decode("certificates.k8s.io/v1", "CertificateSigningRequest", raw);

        assertThat(csr.at("/metadata/name").asText()).isEqualTo("jane");
        assertThat(csr.at("/spec/request").asText()).isEqualTo(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(csr.at("/spec/usages/0").asText()).isEqualTo("client auth");
        assertThat(csr.at("/spec/expirationSeconds").asInt()).isEqualTo(86400);
        assertThat(csr.at("/status/conditions/0/type").asText()).isEqualTo("Approved");
        assertThat(csr.at("/status/conditions/0/status").asText()).isEqualTo("True");
        assertThat(csr.at("/status/conditions/0/lastUpdateTime").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(csr.at("/status").has("certificate")).isFalse();
    }
}
