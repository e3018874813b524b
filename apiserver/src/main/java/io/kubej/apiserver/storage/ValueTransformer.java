package io.kubej.apiserver.storage;

/**
 * Turns an object's bytes into what is written to etcd and back (upstream
 * {@code storage/value.Transformer}). The identity transformer stores JSON as it is; encryption
 * at rest ({@code --encryption-provider-config}, see {@code storage/value}) plugs in here, so
 * that no other layer knows whether a value is encrypted. The key is passed so a provider can
 * bind a ciphertext to it (aesgcm authenticates the etcd key).
 */
public interface ValueTransformer {
    /** Values as they are: the identity provider (which reads no encrypted value, see {@code value.PrefixTransformers}). */
    ValueTransformer IDENTITY = new ValueTransformer() {
        @Override
        public byte[] toStorage(String key, byte[] value) {
            return value;
        }

        @Override
        public Read fromStorage(String key, byte[] stored) {
            return new Read(stored, false);
        }
    };

    /**
     * What a read gives: the plain bytes, and whether the value is stale, i.e. not stored the
     * way a write would store it now (an older key or provider read it). An update writes a
     * stale value again even when the object did not change: that is how
     * {@code kubectl replace} re-encrypts every Secret after a key rotation.
     */
    record Read(byte[] value, boolean stale) {
    }

    /** A stored value this server cannot read: no provider or key of its config matches, or decryption failed. */
    final class TransformError extends RuntimeException {
        public TransformError(String message) {
            super(message);
        }
    }

    byte[] toStorage(String key, byte[] value);

    /** @throws TransformError when the value cannot be read */
    Read fromStorage(String key, byte[] stored);
}
