package io.kubej.apiserver.storage.value;

import io.kubej.apiserver.storage.ValueTransformer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code aescbc} provider's cipher for one key (upstream {@code encrypt/aes} CBC mode): AES in
 * CBC mode with PKCS#7 padding and a fresh random 16-byte IV per write. Stored as
 * {@code IV || ciphertext}; the provider prefix ({@code k8s:enc:aescbc:v1:<key>:}) is added by
 * {@link PrefixTransformers}. CBC does not authenticate: a wrong key usually fails the padding
 * check, but not always, which is one reason the upstream docs call aescbc weak.
 */
final class AesCbcTransformer implements ValueTransformer {
    private static final int IV_SIZE = 16; // the AES block size

    private final SecretKeySpec key;
    private final SecureRandom random;

    AesCbcTransformer(byte[] key) {
        this(key, new SecureRandom());
    }

    /** With a given source of IVs, so a test can make a ciphertext that is the same every run. */
    AesCbcTransformer(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    @Override
    public byte[] toStorage(String etcdKey, byte[] value) {
        byte[] iv = new byte[IV_SIZE];
        random.nextBytes(iv);
        byte[] ciphertext = run(Cipher.ENCRYPT_MODE, iv, value);
        byte[] out = Arrays.copyOf(iv, IV_SIZE + ciphertext.length);
        System.arraycopy(ciphertext, 0, out, IV_SIZE, ciphertext.length);
        return out;
    }

    @Override
    public Read fromStorage(String etcdKey, byte[] stored) {
        if (stored.length < IV_SIZE || (stored.length - IV_SIZE) % IV_SIZE != 0) {
            throw new TransformError("the stored data is not an IV followed by whole AES blocks");
        }
        byte[] iv = Arrays.copyOf(stored, IV_SIZE);
        return new Read(run(Cipher.DECRYPT_MODE, iv, Arrays.copyOfRange(stored, IV_SIZE, stored.length)), false);
    }

    private byte[] run(int mode, byte[] iv, byte[] input) {
        try {
            // Java's "PKCS5Padding" on a 16-byte block cipher is PKCS#7 padding
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, key, new IvParameterSpec(iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new TransformError("AES-CBC " + (mode == Cipher.ENCRYPT_MODE ? "encryption" : "decryption")
                    + " failed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
