package io.kubej.apiserver.storage.value;

import io.kubej.apiserver.storage.ValueTransformer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code aesgcm} provider's cipher for one key (upstream {@code encrypt/aes} GCM mode): AES-GCM
 * with a fresh random 12-byte nonce per write and a 16-byte tag. Stored as
 * {@code nonce || ciphertext+tag}. The etcd key is the additional authenticated data, as
 * upstream does, so a value copied under another key (another Secret's name) fails to decrypt
 * instead of being served as that Secret. Random nonces are why upstream says to rotate an
 * aesgcm key every 200,000 writes.
 */
final class AesGcmTransformer implements ValueTransformer {
    private static final int NONCE_SIZE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    AesGcmTransformer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] toStorage(String etcdKey, byte[] value) {
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, etcdKey, value);
        byte[] out = Arrays.copyOf(nonce, NONCE_SIZE + sealed.length);
        System.arraycopy(sealed, 0, out, NONCE_SIZE, sealed.length);
        return out;
    }

    @Override
    public Read fromStorage(String etcdKey, byte[] stored) {
        if (stored.length < NONCE_SIZE + TAG_BITS / 8) {
            throw new TransformError("the stored data is shorter than a nonce and a tag");
        }
        byte[] nonce = Arrays.copyOf(stored, NONCE_SIZE);
        return new Read(run(Cipher.DECRYPT_MODE, nonce, etcdKey, Arrays.copyOfRange(stored, NONCE_SIZE, stored.length)), false);
    }

    private byte[] run(int mode, byte[] nonce, String etcdKey, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(etcdKey.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            // a wrong key, a changed value or a value moved to another etcd key: the tag does not match
            throw new TransformError("AES-GCM " + (mode == Cipher.ENCRYPT_MODE ? "encryption" : "decryption")
                    + " failed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
