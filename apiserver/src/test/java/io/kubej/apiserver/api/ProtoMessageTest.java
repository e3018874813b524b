package io.kubej.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ProtoMessageTest {
    static byte[] message(ThrowingWriter w) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        w.write(out);
        out.flush();
        return buf.toByteArray();
    }

    interface ThrowingWriter {
        void write(CodedOutputStream out) throws Exception;
    }

    @Test
    void fieldsDecodeByNumberIntoTheirJsonNamesAndUnknownOnesAreSkipped() throws Exception {
        ProtoMessage attributes = ProtoMessage.of().string(2, "verb").string(5, "resource");
        ProtoMessage review = ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of().message(1, "resourceAttributes", attributes)
                .strings(4, "groups").bool(9, "flag"));
        byte[] attrs = message(o -> {
            o.writeString(2, "create");
            o.writeString(5, "pods");
            o.writeString(42, "ignored");
        });
        byte[] spec = message(o -> {
            o.writeBytes(1, ByteString.copyFrom(attrs));
            o.writeString(4, "a");
            o.writeString(4, "b");
            o.writeBool(9, true);
        });
        byte[] meta = message(o -> o.writeString(1, "r"));
        byte[] raw = message(o -> {
            o.writeBytes(1, ByteString.copyFrom(meta));
            o.writeBytes(2, ByteString.copyFrom(spec));
        });
        ObjectNode json = review.decoder().decode("authorization.k8s.io/v1", "SelfSubjectAccessReview", raw);
        assertThat(json.toString()).isEqualTo("{\"metadata\":{\"name\":\"r\"},\"spec\":{\"resourceAttributes\":{\"verb\":\"create\","
                + "\"resource\":\"pods\"},\"groups\":[\"a\",\"b\"],\"flag\":true},\"apiVersion\":\"authorization.k8s.io/v1\","
                + "\"kind\":\"SelfSubjectAccessReview\"}");
    }
}
