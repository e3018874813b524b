package io.kubej.apiserver.storage.value;

import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.KEY;
import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.PLAIN;
import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.storage.ValueTransformer.TransformError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesGcmTransformerTest {
    @Test
    void roundTripsWithEveryAesKeySize() {
        for (int size : new int[] {16, 24, 32}) {
            AesGcmTransformer t = new AesGcmTransformer(key(size, 1));
            assertThat(t.fromStorage(KEY, t.toStorage(KEY, PLAIN)).value()).isEqualTo(PLAIN);
        }
    }

    @Test
    void storesARandomTwelveByteNonceThenCiphertextAndSixteenByteTag() {
        AesGcmTransformer t = new AesGcmTransformer(key(32, 1));
        byte[] first = t.toStorage(KEY, PLAIN);
        byte[] second = t.toStorage(KEY, PLAIN);
        assertThat(first).hasSize(12 + PLAIN.length + 16);
        assertThat(Arrays.copyOf(first, 12)).isNotEqualTo(Arrays.copyOf(second, 12));
    }

    @Test
    void wrongKeyIsAnError() {
        byte[] stored = new AesGcmTransformer(key(32, 1)).toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> new AesGcmTransformer(key(32, 2)).fromStorage(KEY, stored))
                .isInstanceOf(TransformError.class).hasMessageContaining("AES-GCM decryption failed");
    }

    @Test
    void theEtcdKeyIsAuthenticatedSoAValueCopiedUnderAnotherKeyDoesNotDecrypt() {
        AesGcmTransformer t = new AesGcmTransformer(key(32, 1));
        byte[] stored = t.toStorage("/registry/secrets/default/db", PLAIN);
        assertThatThrownBy(() -> t.fromStorage("/registry/secrets/default/web", stored)).isInstanceOf(TransformError.class);
    }

    @Test
    void aChangedByteIsAnError() {
        AesGcmTransformer t = new AesGcmTransformer(key(32, 1));
        byte[] stored = t.toStorage(KEY, PLAIN);
        stored[20] ^= 1;
        assertThatThrownBy(() -> t.fromStorage(KEY, stored)).isInstanceOf(TransformError.class);
    }
}
