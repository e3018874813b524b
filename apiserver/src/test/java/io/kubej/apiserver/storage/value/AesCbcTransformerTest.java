package io.kubej.apiserver.storage.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.storage.ValueTransformer;
import io.kubej.apiserver.storage.ValueTransformer.TransformError;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesCbcTransformerTest {
    static final String KEY = "/registry/secrets/default/db";
    static final byte[] PLAIN = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}".getBytes(StandardCharsets.UTF_8);

    static byte[] key(int size, int fill) {
        byte[] k = new byte[size];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    /** The same IV every time, so a test's ciphertext is the same on every run. */
    static SecureRandom fixedIv() {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0x42);
            }
        };
    }

    @Test
    void roundTripsWithEveryAesKeySize() {
        for (int size : new int[] {16, 24, 32}) {
            AesCbcTransformer t = new AesCbcTransformer(key(size, 1));
            byte[] stored = t.toStorage(KEY, PLAIN);
            ValueTransformer.Read read = t.fromStorage(KEY, stored);
            assertThat(read.value()).isEqualTo(PLAIN);
            assertThat(read.stale()).isFalse();
        }
    }

    @Test
    void storesARandomIvThenWholePaddedBlocks() {
        AesCbcTransformer t = new AesCbcTransformer(key(32, 1));
        byte[] first = t.toStorage(KEY, PLAIN);
        byte[] second = t.toStorage(KEY, PLAIN);
        // 16-byte IV, then the value padded (PKCS#7) to the next whole block: always at least one byte of padding
        int padded = (PLAIN.length / 16 + 1) * 16;
        assertThat(first).hasSize(16 + padded);
        assertThat(Arrays.copyOf(first, 16)).isNotEqualTo(Arrays.copyOf(second, 16));
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("Secret").doesNotContain("aHVudGVyMg");
    }

    @Test
    void aValueOfAWholeNumberOfBlocksGetsAFullBlockOfPadding() {
        AesCbcTransformer t = new AesCbcTransformer(key(16, 1));
        byte[] sixteen = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        assertThat(t.toStorage(KEY, sixteen)).hasSize(16 + 32);
        assertThat(t.fromStorage(KEY, t.toStorage(KEY, sixteen)).value()).isEqualTo(sixteen);
    }

    @Test
    void wrongKeyIsAnError() {
        byte[] stored = new AesCbcTransformer(key(32, 1), fixedIv()).toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> new AesCbcTransformer(key(32, 2)).fromStorage(KEY, stored))
                .isInstanceOf(TransformError.class).hasMessageContaining("AES-CBC decryption failed");
    }

    @Test
    void truncatedDataIsAnError() {
        byte[] stored = new AesCbcTransformer(key(32, 1)).toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> new AesCbcTransformer(key(32, 1)).fromStorage(KEY, Arrays.copyOf(stored, stored.length - 3)))
                .isInstanceOf(TransformError.class).hasMessageContaining("whole AES blocks");
        assertThatThrownBy(() -> new AesCbcTransformer(key(32, 1)).fromStorage(KEY, new byte[5]))
                .isInstanceOf(TransformError.class);
    }
}
