package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 *
 * <p>Zeros: Go's generated marshallers write every non-pointer field, even an empty string or
 * a 0, where JSON's {@code omitempty} would leave it out; so a zero scalar is dropped, and a
 * defaulting strategy still sees the field as unset. A pointer field ({@code replicas},
 * {@code automountServiceAccountToken}) is written only when set, so its zero is real: mark it
 * with {@link #keepZero()}. Nested messages always appear, as {@code {}} when empty, which is
 * what the JSON encoding gives for a struct (e.g. {@code resources: {}}).
 */
public final class ProtoMessage {
    private enum Type {
        STRING, BOOL, INT32, INT64, MESSAGE, REPEATED_MESSAGE, REPEATED_STRING, STRING_MAP, QUANTITY_MAP, INT_OR_STRING, OBJECT_META, BYTES, TIME
    }

    private record Field(String json, Type type, ProtoMessage message, boolean keepZero) {
    }

    private final Map<Integer, Field> fields = new HashMap<>();
    private int last;

    public static ProtoMessage of() {
        return new ProtoMessage();
    }

    private ProtoMessage field(int number, String json, Type type, ProtoMessage message) {
        fields.put(number, new Field(json, type, message, false));
        last = number;
        return this;
    }

    public ProtoMessage string(int number, String json) {
        return field(number, json, Type.STRING, null);
    }

    public ProtoMessage bool(int number, String json) {
        return field(number, json, Type.BOOL, null);
    }

    public ProtoMessage int32(int number, String json) {
        return field(number, json, Type.INT32, null);
    }

    public ProtoMessage int64(int number, String json) {
        return field(number, json, Type.INT64, null);
    }

    public ProtoMessage strings(int number, String json) {
        return field(number, json, Type.REPEATED_STRING, null);
    }

    public ProtoMessage message(int number, String json, ProtoMessage message) {
        return field(number, json, Type.MESSAGE, message);
    }

    /** A repeated message, e.g. a pod's containers: a JSON array of objects. */
    public ProtoMessage messages(int number, String json, ProtoMessage message) {
        return field(number, json, Type.REPEATED_MESSAGE, message);
    }

    /** {@code map<string, string>}: on the wire, one entry message (1: key, 2: value) per pair. */
    public ProtoMessage stringMap(int number, String json) {
        return field(number, json, Type.STRING_MAP, null);
    }

    /** {@code map<string, Quantity>} (resource limits, requests): a Quantity is {1: string}, in JSON just the string. */
    public ProtoMessage quantityMap(int number, String json) {
        return field(number, json, Type.QUANTITY_MAP, null);
    }

    /** {@code intstr.IntOrString} {1: type (0 int, 1 string), 2: intVal, 3: strVal}: in JSON a bare number or string. */
    public ProtoMessage intOrString(int number, String json) {
        return field(number, json, Type.INT_OR_STRING, null);
    }

    /** {@code bytes} (a CSR's request, a Secret's data): in JSON the base64 text. */
    public ProtoMessage bytes(int number, String json) {
        return field(number, json, Type.BYTES, null);
    }

    /** {@code metav1.Time} {1: seconds, 2: nanos}: in JSON an RFC 3339 time to the second. */
    public ProtoMessage time(int number, String json) {
        return field(number, json, Type.TIME, null);
    }

    /** Field 1 of every top-level kind (and of templates): ObjectMeta. */
    public ProtoMessage objectMeta() {
        return field(1, "metadata", Type.OBJECT_META, null);
    }

    /** The field just described is a pointer in Go: sent only when set, so a zero in it is kept. */
    public ProtoMessage keepZero() {
        Field f = fields.get(last);
        fields.put(last, new Field(f.json(), f.type(), f.message(), true));
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
                case STRING -> scalar(out, f, Json.MAPPER.getNodeFactory().textNode(in.readString()));
                case BOOL -> scalar(out, f, Json.MAPPER.getNodeFactory().booleanNode(in.readBool()));
                case INT32 -> scalar(out, f, Json.MAPPER.getNodeFactory().numberNode(in.readInt32()));
                case INT64 -> scalar(out, f, int64(in.readInt64()));
                case REPEATED_STRING -> array(out, f).add(in.readString());
                case MESSAGE -> out.set(f.json(), f.message().decode(in.readBytes().newCodedInput()));
                case REPEATED_MESSAGE -> array(out, f).add(f.message().decode(in.readBytes().newCodedInput()));
                case STRING_MAP, QUANTITY_MAP -> mapEntry(Json.obj(out, f.json()), in.readBytes().newCodedInput(), f.type() == Type.QUANTITY_MAP);
                case INT_OR_STRING -> scalar(out, f, intOrString(in.readBytes().newCodedInput()));
                case OBJECT_META -> out.set(f.json(), ProtobufBody.objectMeta(in.readBytes().newCodedInput()));
                case BYTES -> scalar(out, f, Json.MAPPER.getNodeFactory().textNode(java.util.Base64.getEncoder().encodeToString(in.readByteArray())));
                case TIME -> out.put(f.json(), time(in.readBytes().newCodedInput()));
            }
        }
        return out;
    }

    private static void scalar(ObjectNode out, Field f, JsonNode value) {
        boolean zero = value.isTextual() ? value.asText().isEmpty() : value.isBoolean() ? !value.asBoolean() : value.asLong() == 0;
        if (!zero || f.keepZero()) {
            out.set(f.json(), value);
        }
    }

    /** A small int64 becomes the same node JSON parsing gives it, so decoded and parsed objects compare equal. */
    private static JsonNode int64(long v) {
        return v == (int) v ? Json.MAPPER.getNodeFactory().numberNode((int) v) : Json.MAPPER.getNodeFactory().numberNode(v);
    }

    private static ArrayNode array(ObjectNode out, Field f) {
        return out.has(f.json()) ? (ArrayNode) out.get(f.json()) : out.putArray(f.json());
    }

    /** One map entry (1: key, 2: value); a Quantity value is itself a message {1: string}. */
    private static void mapEntry(ObjectNode map, CodedInputStream entry, boolean quantity) throws IOException {
        String key = "";
        String value = "";
        for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
            if (t >>> 3 == 1) {
                key = entry.readString();
            } else if (t >>> 3 == 2 && quantity) {
                value = quantity(entry.readBytes().newCodedInput());
            } else if (t >>> 3 == 2) {
                value = entry.readString();
            } else {
                entry.skipField(t);
            }
        }
        map.put(key, value);
    }

    private static String quantity(CodedInputStream in) throws IOException {
        String s = "";
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t >>> 3 == 1) {
                s = in.readString();
            } else {
                in.skipField(t);
            }
        }
        return s;
    }

    private static String time(CodedInputStream in) throws IOException {
        long seconds = 0;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            if (t >>> 3 == 1) {
                seconds = in.readInt64();
            } else {
                in.skipField(t); // nanos: JSON's Time has whole seconds
            }
        }
        return java.time.Instant.ofEpochSecond(seconds).toString();
    }

    private static JsonNode intOrString(CodedInputStream in) throws IOException {
        long type = 0;
        int intVal = 0;
        String strVal = "";
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (t >>> 3) {
                case 1 -> type = in.readInt64();
                case 2 -> intVal = in.readInt32();
                case 3 -> strVal = in.readString();
                default -> in.skipField(t);
            }
        }
        return type == 1 ? Json.MAPPER.getNodeFactory().textNode(strVal) : Json.MAPPER.getNodeFactory().numberNode(intVal);
    }
}
