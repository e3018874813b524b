package io.kubej.apiserver.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a protobuf message by field numbers, as Go's generated marshallers would, for decoder tests. */
public final class ProtoWriter {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

    public static ProtoWriter of() {
        return new ProtoWriter();
    }

    private interface Write {
        void to(CodedOutputStream out) throws IOException;
    }

    private ProtoWriter write(Write w) {
        try {
            w.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public ProtoWriter string(int number, String value) {
        return write(o -> o.writeString(number, value));
    }

    public ProtoWriter int32(int number, int value) {
        return write(o -> o.writeInt32(number, value));
    }

    public ProtoWriter int64(int number, long value) {
        return write(o -> o.writeInt64(number, value));
    }

    public ProtoWriter bool(int number, boolean value) {
        return write(o -> o.writeBool(number, value));
    }

    public ProtoWriter message(int number, ProtoWriter message) {
        byte[] bytes = message.bytes();
        return write(o -> o.writeBytes(number, ByteString.copyFrom(bytes)));
    }

    /** One entry of a map&lt;string, string&gt; field. */
    public ProtoWriter entry(int number, String key, String value) {
        return message(number, of().string(1, key).string(2, value));
    }

    public byte[] bytes() {
        return write(CodedOutputStream::flush).buf.toByteArray();
    }
}
