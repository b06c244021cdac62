package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteAlphabetTest {

    @Test
    void anchorsMatchGpt2() {
        assertEquals('Ġ', ByteAlphabet.charOf(' '));
        assertEquals('\u0120', ByteAlphabet.charOf(0x20));
        assertEquals('Ċ', ByteAlphabet.charOf('\n'));
        assertEquals('\u0100', ByteAlphabet.charOf(0x00));
        assertEquals('\u0121', ByteAlphabet.charOf(0x7F));
        assertEquals('\u0142', ByteAlphabet.charOf(0xA0));
        assertEquals('\u0143', ByteAlphabet.charOf(0xAD));
        assertEquals('!', ByteAlphabet.charOf('!'));
        assertEquals('~', ByteAlphabet.charOf('~'));
        assertEquals('\u00A1', ByteAlphabet.charOf(0xA1));
        assertEquals('\u00AC', ByteAlphabet.charOf(0xAC));
        assertEquals('\u00AE', ByteAlphabet.charOf(0xAE));
        assertEquals('\u00FF', ByteAlphabet.charOf(0xFF));
    }

    @Test
    void tableIsABijectionOf256Entries() {
        Set<Character> seen = new HashSet<>();
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            char c = ByteAlphabet.charOf(b);
            seen.add(c);
            assertEquals(b, ByteAlphabet.byteOf(c));
            if (c >= 0x100) {
                shifted++;
            }
        }
        assertEquals(256, seen.size());
        assertEquals(68, shifted);
        assertEquals(-1, ByteAlphabet.byteOf(0x144));
        assertEquals(-1, ByteAlphabet.byteOf(' '));
    }

    @Test
    void mapsUtf8BytesOfText() {
        assertEquals("ĠcafÃ©", ByteAlphabet.map(" café"));
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, Utf8.encode("\uD800"));
    }

    @Test
    void lossyDecodingReplacesMaximalSubpartsAsRust() {
        // As Rust: one replacement for the truncated F0 90 80, one each for C0, E0 and 80 (E0 needs A0-BF next).
        byte[] bytes = {'a', (byte) 0xF0, (byte) 0x90, (byte) 0x80, 'b', (byte) 0xC0, (byte) 0xE0, (byte) 0x80, 'z'};
        assertEquals("a\uFFFDb\uFFFD\uFFFD\uFFFDz", Utf8.decodeLossy(bytes));
        assertEquals("é😀", Utf8.decodeLossy("é😀".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("\uFFFD\uFFFD", Utf8.decodeLossy(new byte[] {(byte) 0xED, (byte) 0xA0}));
    }
}
