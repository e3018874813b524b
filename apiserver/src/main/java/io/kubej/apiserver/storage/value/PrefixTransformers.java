package io.kubej.apiserver.storage.value;

import io.kubej.apiserver.storage.ValueTransformer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The providers of one {@code resources[]} entry of an EncryptionConfiguration, in order
 * (upstream {@code value.NewPrefixTransformers}). Every encrypted value starts with a prefix
 * naming how it was written, {@code k8s:enc:<provider>:v1:<key name>:}, so a read needs no
 * guessing:
 * <ul>
 *   <li>a write uses the first provider's first key (the first entry here);</li>
 *   <li>a read is tried by every entry whose prefix the value starts with, in order. identity's
 *       prefix is empty, but it never reads a value that carries an encryption prefix;</li>
 *   <li>a value read by any entry but the first is stale: the next update writes it again,
 *       under the current first key, even if the object did not change.</li>
 * </ul>
 */
public final class PrefixTransformers implements ValueTransformer {
    /** What every encrypting provider's prefix starts with. */
    static final String ENCRYPTED = "k8s:enc:";

    /**
     * One way a value may be stored: its prefix ({@code k8s:enc:aescbc:v1:key1:}, empty for
     * identity), a name for messages ({@code aescbc key "key1"}) and the cipher behind the prefix.
     */
    public record PrefixTransformer(String prefix, String description, ValueTransformer transformer) {
        byte[] prefixBytes() {
            return prefix.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The identity provider: values as they are, with no prefix. */
    public static PrefixTransformer identity() {
        return new PrefixTransformer("", "identity", ValueTransformer.IDENTITY);
    }

    private final List<PrefixTransformer> transformers;
    private final String readers;

    /**
     * @param transformers the providers' keys in order; the first one writes
     * @param readers      who reads, for messages: {@code the providers for secrets in --encryption-provider-config /etc/x.yaml}
     */
    public PrefixTransformers(List<PrefixTransformer> transformers, String readers) {
        if (transformers.isEmpty()) {
            throw new IllegalArgumentException("no providers: " + readers);
        }
        this.transformers = List.copyOf(transformers);
        this.readers = readers;
    }

    /** The first provider's first key writes: its prefix, then its ciphertext. */
    @Override
    public byte[] toStorage(String key, byte[] value) {
        PrefixTransformer writer = transformers.get(0);
        byte[] prefix = writer.prefixBytes();
        byte[] body = writer.transformer().toStorage(key, value);
        if (prefix.length == 0) {
            return body; // identity
        }
        byte[] out = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    @Override
    public Read fromStorage(String key, byte[] stored) {
        boolean encrypted = startsWith(stored, ENCRYPTED.getBytes(StandardCharsets.UTF_8));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < transformers.size(); i++) {
            PrefixTransformer t = transformers.get(i);
            byte[] prefix = t.prefixBytes();
            if (!startsWith(stored, prefix) || (prefix.length == 0 && encrypted)) {
                continue;
            }
            try {
                byte[] body = prefix.length == 0 ? stored : Arrays.copyOfRange(stored, prefix.length, stored.length);
                Read read = t.transformer().fromStorage(key, body);
                return new Read(read.value(), read.stale() || i != 0);
            } catch (TransformError e) {
                // the same key name with another secret, or damaged data: maybe a later entry reads it
                failures.add(t.description() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new TransformError("cannot decrypt " + key + " with " + String.join("; ", failures));
        }
        throw new TransformError(noProviderFor(key, stored, encrypted));
    }

    /** The message for a value none of the providers can read: it names the provider and key it was written with. */
    private String noProviderFor(String key, byte[] stored, boolean encrypted) {
        if (!encrypted) {
            return "cannot read " + key + ": it is stored unencrypted, and " + readers + " have no identity provider to read it";
        }
        return "cannot read " + key + ": it was encrypted with " + writtenWith(stored) + ", which " + readers + " do not have";
    }

    /** {@code aescbc key "key1"} from a value starting with {@code k8s:enc:aescbc:v1:key1:}. */
    static String writtenWith(byte[] stored) {
        // the prefix is ASCII, k8s:enc:<provider>:v1:<key name>: ; the ciphertext follows it
        String head = new String(stored, 0, Math.min(stored.length, 80), StandardCharsets.ISO_8859_1);
        String[] parts = head.substring(ENCRYPTED.length()).split(":", 4);
        if (parts.length < 3) {
            return "an unknown provider (" + head.replaceAll("[^\\x20-\\x7e]", "?") + ")";
        }
        return parts[0] + " key \"" + parts[2] + "\"";
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
