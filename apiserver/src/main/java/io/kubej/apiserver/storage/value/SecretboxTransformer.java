package io.kubej.apiserver.storage.value;

import io.kubej.apiserver.storage.ValueTransformer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The {@code secretbox} provider's cipher for one key (upstream {@code encrypt/secretbox}): NaCl's
 * secretbox, XSalsa20 encryption with a Poly1305 tag, a 32-byte key and a fresh random 24-byte
 * nonce per write. Stored as {@code nonce || tag || ciphertext}, the nonce followed by exactly
 * what NaCl's {@code crypto_secretbox} (and Go's {@code secretbox.Seal}) produce.
 *
 * <p>The construction, from BouncyCastle's primitives: the first 32 bytes of the XSalsa20 key
 * stream are the one-time Poly1305 key; the rest of the stream encrypts the message; the tag is
 * Poly1305 over the ciphertext.
 */
final class SecretboxTransformer implements ValueTransformer {
    static final int NONCE_SIZE = 24;
    private static final int TAG_SIZE = 16;
    private static final int POLY_KEY_SIZE = 32;

    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    SecretboxTransformer(byte[] key) {
        this.key = key.clone();
    }

    @Override
    public byte[] toStorage(String etcdKey, byte[] value) {
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        byte[] box = seal(value, nonce);
        byte[] out = Arrays.copyOf(nonce, NONCE_SIZE + box.length);
        System.arraycopy(box, 0, out, NONCE_SIZE, box.length);
        return out;
    }

    @Override
    public Read fromStorage(String etcdKey, byte[] stored) {
        if (stored.length < NONCE_SIZE + TAG_SIZE) {
            throw new TransformError("the stored data is shorter than a nonce and a tag");
        }
        byte[] nonce = Arrays.copyOf(stored, NONCE_SIZE);
        return new Read(open(Arrays.copyOfRange(stored, NONCE_SIZE, stored.length), nonce), false);
    }

    /** NaCl crypto_secretbox: tag || ciphertext. */
    byte[] seal(byte[] message, byte[] nonce) {
        XSalsa20Engine stream = stream(nonce);
        byte[] polyKey = keyStream(stream, POLY_KEY_SIZE);
        byte[] ciphertext = new byte[message.length];
        stream.processBytes(message, 0, message.length, ciphertext, 0);
        byte[] box = Arrays.copyOf(poly1305(polyKey, ciphertext), TAG_SIZE + ciphertext.length);
        System.arraycopy(ciphertext, 0, box, TAG_SIZE, ciphertext.length);
        return box;
    }

    /** NaCl crypto_secretbox_open: checks the tag before decrypting anything. */
    byte[] open(byte[] box, byte[] nonce) {
        XSalsa20Engine stream = stream(nonce);
        byte[] polyKey = keyStream(stream, POLY_KEY_SIZE);
        byte[] tag = Arrays.copyOf(box, TAG_SIZE);
        byte[] ciphertext = Arrays.copyOfRange(box, TAG_SIZE, box.length);
        if (!MessageDigest.isEqual(tag, poly1305(polyKey, ciphertext))) { // constant time
            throw new TransformError("secretbox authentication failed (wrong key or changed data)");
        }
        byte[] message = new byte[ciphertext.length];
        stream.processBytes(ciphertext, 0, ciphertext.length, message, 0);
        return message;
    }

    private XSalsa20Engine stream(byte[] nonce) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] keyStream(XSalsa20Engine stream, int length) {
        byte[] out = new byte[length];
        stream.processBytes(new byte[length], 0, length, out, 0); // zeros XOR stream = the stream
        return out;
    }

    private static byte[] poly1305(byte[] oneTimeKey, byte[] data) {
        Poly1305 mac = new Poly1305(); // without a block cipher: the key is r || s, as NaCl's onetimeauth
        mac.init(new KeyParameter(oneTimeKey));
        mac.update(data, 0, data.length);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        return tag;
    }
}
