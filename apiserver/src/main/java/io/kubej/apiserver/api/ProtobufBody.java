package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Request bodies in Kubernetes' protobuf encoding (upstream {@code runtime/serializer/protobuf}),
 * which kubectl's typed clients send for some commands, e.g. {@code kubectl create namespace}.
 *
 * <p>The wire format is the magic bytes {@code k8s\0} and a {@code runtime.Unknown} envelope
 * (1: typeMeta{1: apiVersion, 2: kind}, 2: raw object bytes). kubej stores JSON, and decoding
 * every Kubernetes type would need all of upstream's generated.proto schemas; it decodes the
 * kinds kubectl creates this way for resources kubej serves (Namespace, ConfigMap, Secret,
 * ServiceAccount), each registration naming its decoder, and answers 415 for the rest, so the
 * user can fall back to {@code -f} (JSON).
 */
public final class ProtobufBody {
    public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufBody() {
    }

    /**
     * Decodes the envelope, then the object with the decoder r's registration names; a kind
     * registered without one is 415, so the user can fall back to a manifest (JSON).
     */
    public static ObjectNode toJson(byte[] body, io.kubej.apiserver.registry.Resource r) {
        return toJson(body, r.kind(), r.protobuf());
    }

    /** A body of {@code expectedKind} (a subresource's own kind, such as TokenRequest), decoded by {@code decoder}. */
    public static ObjectNode toJson(byte[] body, String expectedKind, io.kubej.apiserver.registry.Resource.ProtobufDecoder decoder) {
        if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
            throw StatusError.badRequest("protobuf body without the k8s magic prefix");
        }
        try {
            String apiVersion = "";
            String kind = "";
            byte[] raw = new byte[0];
            CodedInputStream in = CodedInputStream.newInstance(body, 4, body.length - 4);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag >>> 3) {
                    case 1 -> {
                        CodedInputStream tm = in.readBytes().newCodedInput();
                        for (int t = tm.readTag(); t != 0; t = tm.readTag()) {
                            switch (t >>> 3) {
                                case 1 -> apiVersion = tm.readString();
                                case 2 -> kind = tm.readString();
                                default -> tm.skipField(t);
                            }
                        }
                    }
                    case 2 -> raw = in.readByteArray();
                    default -> in.skipField(tag);
                }
            }
            if (decoder == null || !kind.equals(expectedKind)) {
                throw new StatusError(415, "UnsupportedMediaType", "kubej accepts " + (kind.isEmpty() ? expectedKind : kind)
                        + " only as JSON; create it from a manifest (kubectl create -f)", null);
            }
            return decoder.decode(apiVersion, kind, raw);
        } catch (IOException e) {
            throw StatusError.badRequest("couldn't decode the protobuf body: " + e.getMessage());
        }
    }

    /** ServiceAccount: 1 metadata, 4 automountServiceAccountToken; kubectl create sets nothing else. */
    public static final ProtoMessage SERVICE_ACCOUNT = ProtoMessage.of().objectMeta().bool(4, "automountServiceAccountToken").keepZero();

    /**
     * meta/v1 LabelSelector: 1 matchLabels map, 2 matchExpressions {1 key, 2 operator, 3 values};
     * what a Deployment's or Job's selector is.
     */
    public static final ProtoMessage LABEL_SELECTOR = ProtoMessage.of().stringMap(1, "matchLabels")
            .messages(2, "matchExpressions", ProtoMessage.of().string(1, "key").string(2, "operator").strings(3, "values"));

    /** meta/v1 OwnerReference: 1 kind, 3 name, 4 uid, 5 apiVersion, 6 controller, 7 blockOwnerDeletion. */
    static final ProtoMessage OWNER_REFERENCE = ProtoMessage.of().string(5, "apiVersion").string(1, "kind").string(3, "name")
            .string(4, "uid").bool(6, "controller").keepZero().bool(7, "blockOwnerDeletion").keepZero();

    /** Namespace: 1 metadata, 2 spec {1 finalizers}. */
    public static final ProtoMessage NAMESPACE = ProtoMessage.of().objectMeta()
            .message(2, "spec", ProtoMessage.of().strings(1, "finalizers"));

    /**
     * ConfigMap: 1 metadata, 2 data map&lt;string,string&gt;, 3 binaryData map&lt;string,bytes&gt;, 4 immutable.
     * Secret: 1 metadata, 2 data map&lt;string,bytes&gt;, 3 type, 4 stringData, 5 immutable.
     * Bytes become base64, as in JSON.
     */
    public static ObjectNode configObject(String apiVersion, String kind, byte[] raw) throws IOException {
        boolean secret = kind.equals("Secret");
        ObjectNode obj = Json.object();
        obj.put("apiVersion", apiVersion).put("kind", kind);
        CodedInputStream in = CodedInputStream.newInstance(raw);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = tag >>> 3;
            if (field == 1) {
                obj.set("metadata", objectMeta(in.readBytes().newCodedInput()));
            } else if (field == 2 || (!secret && field == 3) || (secret && field == 4)) {
                boolean bytes = secret ? field == 2 : field == 3;
                String name = field == 2 ? "data" : secret ? "stringData" : "binaryData";
                CodedInputStream entry = in.readBytes().newCodedInput();
                String k = "";
                String v = "";
                for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
                    if (t >>> 3 == 1) {
                        k = entry.readString();
                    } else if (t >>> 3 == 2) {
                        v = bytes ? java.util.Base64.getEncoder().encodeToString(entry.readByteArray()) : entry.readString();
                    } else {
                        entry.skipField(t);
                    }
                }
                Json.obj(obj, name).put(k, v);
            } else if (secret && field == 3) {
                obj.put("type", in.readString());
            } else if ((secret && field == 5) || (!secret && field == 4)) {
                obj.put("immutable", in.readBool());
            } else {
                in.skipField(tag);
            }
        }
        return obj;
    }

    /**
     * ObjectMeta: 1 name, 2 generateName, 3 namespace, 11 labels, 12 annotations, 13 ownerReferences
     * (kubectl create job --from=cronjob/x sets one), 14 finalizers.
     */
    static ObjectNode objectMeta(CodedInputStream in) throws IOException {
        ObjectNode meta = Json.object();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag >>> 3) {
                // Go writes these even when empty; JSON leaves them out, and so does kubej
                case 1, 2, 3 -> {
                    String value = in.readString();
                    if (!value.isEmpty()) {
                        meta.put((tag >>> 3) == 1 ? "name" : (tag >>> 3) == 2 ? "generateName" : "namespace", value);
                    }
                }
                case 11, 12 -> {
                    String field = (tag >>> 3) == 11 ? "labels" : "annotations";
                    CodedInputStream entry = in.readBytes().newCodedInput();
                    String k = "";
                    String v = "";
                    for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
                        if (t >>> 3 == 1) {
                            k = entry.readString();
                        } else if (t >>> 3 == 2) {
                            v = entry.readString();
                        } else {
                            entry.skipField(t);
                        }
                    }
                    Json.obj(meta, field).put(k, v);
                }
                case 13 -> {
                    if (!meta.has("ownerReferences")) {
                        meta.putArray("ownerReferences");
                    }
                    ((ArrayNode) meta.get("ownerReferences")).add(OWNER_REFERENCE.decode(in.readBytes().newCodedInput()));
                }
                case 14 -> {
                    if (!meta.has("finalizers")) {
                        meta.putArray("finalizers");
                    }
                    ((ArrayNode) meta.get("finalizers")).add(in.readString());
                }
                default -> in.skipField(tag);
            }
        }
        return meta;
    }
}
