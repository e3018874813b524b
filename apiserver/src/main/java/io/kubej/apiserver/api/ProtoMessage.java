package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The shape of one Kubernetes protobuf message, as its field numbers in upstream's
 * {@code generated.proto} give it, enough to decode a request body into the same JSON the API
 * serves: each field number maps to a JSON name and a type. Fields not described are skipped.
 * (Issue #8 replaces this with messages generated from the protos.)
 */
public final class ProtoMessage {
    private enum Type { STRING, BOOL, INT32, INT64, MESSAGE, REPEATED_STRING, OBJECT_META }

    private record Field(String json, Type type, ProtoMessage message) {
    }

    private final Map<Integer, Field> fields = new HashMap<>();

    public static ProtoMessage of() {
        return new ProtoMessage();
    }

    public ProtoMessage string(int number, String json) {
        fields.put(number, new Field(json, Type.STRING, null));
        return this;
    }

    public ProtoMessage bool(int number, String json) {
        fields.put(number, new Field(json, Type.BOOL, null));
        return this;
    }

    public ProtoMessage int32(int number, String json) {
        fields.put(number, new Field(json, Type.INT32, null));
        return this;
    }

    public ProtoMessage int64(int number, String json) {
        fields.put(number, new Field(json, Type.INT64, null));
        return this;
    }

    public ProtoMessage strings(int number, String json) {
        fields.put(number, new Field(json, Type.REPEATED_STRING, null));
        return this;
    }

    public ProtoMessage message(int number, String json, ProtoMessage message) {
        fields.put(number, new Field(json, Type.MESSAGE, message));
        return this;
    }

    /** Field 1 of every top-level kind: ObjectMeta. */
    public ProtoMessage objectMeta() {
        fields.put(1, new Field("metadata", Type.OBJECT_META, null));
        return this;
    }

    /** A registration's protobuf decoder for a kind of this shape. */
    public io.kubej.apiserver.registry.Resource.ProtobufDecoder decoder() {
        return (apiVersion, kind, raw) -> {
            ObjectNode o = decode(CodedInputStream.newInstance(raw));
            o.put("apiVersion", apiVersion).put("kind", kind);
            return o;
        };
    }

    ObjectNode decode(CodedInputStream in) throws IOException {
        ObjectNode out = Json.object();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            Field f = fields.get(tag >>> 3);
            if (f == null) {
                in.skipField(tag);
                continue;
            }
            switch (f.type()) {
                case STRING -> out.put(f.json(), in.readString());
                case BOOL -> out.put(f.json(), in.readBool());
                case INT32 -> out.put(f.json(), in.readInt32());
                case INT64 -> out.put(f.json(), in.readInt64());
                case REPEATED_STRING -> (out.has(f.json()) ? (com.fasterxml.jackson.databind.node.ArrayNode) out.get(f.json())
                        : out.putArray(f.json())).add(in.readString());
                case MESSAGE -> out.set(f.json(), f.message().decode(in.readBytes().newCodedInput()));
                case OBJECT_META -> out.set(f.json(), ProtobufBody.objectMeta(in.readBytes().newCodedInput()));
            }
        }
        return out;
    }
}
