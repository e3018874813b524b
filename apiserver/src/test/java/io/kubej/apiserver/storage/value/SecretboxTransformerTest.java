package io.kubej.apiserver.storage.value;

import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.KEY;
import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.PLAIN;
import static io.kubej.apiserver.storage.value.AesCbcTransformerTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubej.apiserver.storage.ValueTransformer.TransformError;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretboxTransformerTest {
    // The secretbox example of D. J. Bernstein's "Cryptography in NaCl" (NaCl's tests/secretbox.c):
    // key "firstkey", a 24-byte nonce, a 131-byte message; the box is the 16-byte Poly1305 tag then the ciphertext.
    static final byte[] NACL_KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    static final byte[] NACL_NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    static final byte[] NACL_MESSAGE = hex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c6129"
            + "6cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    static final byte[] NACL_BOX = hex(
            "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
            + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
            + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74"
            + "e355a5");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void sealsThePublishedNaclExampleToItsPublishedBox() {
        assertThat(NACL_MESSAGE).hasSize(131);
        assertThat(HexFormat.of().formatHex(new SecretboxTransformer(NACL_KEY).seal(NACL_MESSAGE, NACL_NONCE)))
                .isEqualTo(HexFormat.of().formatHex(NACL_BOX));
    }

    @Test
    void opensThePublishedNaclBox() {
        assertThat(new SecretboxTransformer(NACL_KEY).open(NACL_BOX, NACL_NONCE)).isEqualTo(NACL_MESSAGE);
    }

    @Test
    void storesARandomNonceThenTheBox() {
        SecretboxTransformer t = new SecretboxTransformer(key(32, 1));
        byte[] stored = t.toStorage(KEY, PLAIN);
        assertThat(stored).hasSize(24 + 16 + PLAIN.length);
        byte[] nonce = Arrays.copyOf(stored, 24);
        assertThat(Arrays.copyOfRange(stored, 24, stored.length)).isEqualTo(t.seal(PLAIN, nonce));
        assertThat(t.fromStorage(KEY, stored).value()).isEqualTo(PLAIN);
        assertThat(Arrays.copyOf(t.toStorage(KEY, PLAIN), 24)).isNotEqualTo(nonce);
    }

    @Test
    void wrongKeyIsAnError() {
        byte[] stored = new SecretboxTransformer(key(32, 1)).toStorage(KEY, PLAIN);
        assertThatThrownBy(() -> new SecretboxTransformer(key(32, 2)).fromStorage(KEY, stored))
                .isInstanceOf(TransformError.class).hasMessageContaining("secretbox authentication failed");
    }

    @Test
    void aChangedByteIsAnError() {
        byte[] box = NACL_BOX.clone();
        box[box.length - 1] ^= 1;
        assertThatThrownBy(() -> new SecretboxTransformer(NACL_KEY).open(box, NACL_NONCE)).isInstanceOf(TransformError.class);
    }
}
