package io.kubej.apiserver.storage;

/**
 * Turns an object's bytes into what is written to etcd and back (upstream
 * {@code storage/value.Transformer}). The identity transformer stores JSON as it is; encryption
 * at rest ({@code --encryption-provider-config}) plugs in here, so that no other layer knows
 * whether a value is encrypted. The key is passed so a provider can bind a ciphertext to it.
 */
public interface ValueTransformer {
    ValueTransformer IDENTITY = new ValueTransformer() {
        @Override
        public byte[] toStorage(String key, byte[] value) {
            return value;
        }

        @Override
        public byte[] fromStorage(String key, byte[] stored) {
            return stored;
        }
    };

    byte[] toStorage(String key, byte[] value);

    byte[] fromStorage(String key, byte[] stored);
}
