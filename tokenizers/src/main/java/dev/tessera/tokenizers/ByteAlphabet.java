package dev.tessera.tokenizers;

/**
 * GPT-2's byte alphabet: every byte maps to one visible character, so merges and vocabularies only deal with
 * printable strings. Printable bytes (0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF) map to themselves; the other 68, in
 * increasing order, map to U+0100, U+0101, ... (space to 'Ġ' U+0120, newline to 'Ċ' U+010A).
 */
public final class ByteAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by char - 0; -1 where the char is not a byte character. Covers U+0000..U+0143. */
    private static final short[] CHAR_TO_BYTE = new short[0x144];
    private static final String[] BYTE_STRINGS = new String[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
            BYTE_STRINGS[b] = String.valueOf(c);
        }
    }

    private ByteAlphabet() {
    }

    /** All 256 byte characters in byte order: the initial alphabet of byte-level trainers. */
    public static String characters() {
        return new String(BYTE_TO_CHAR);
    }

    /** The character that stands for byte {@code b} (0-255, or a signed Java byte). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not one of the 256 byte characters. */
    public static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The one-character string of byte {@code b}. */
    public static String stringOf(int b) {
        return BYTE_STRINGS[b & 0xFF];
    }

    /** Maps each byte to its character. */
    public static String map(byte[] bytes) {
        return map(bytes, 0, bytes.length);
    }

    public static String map(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** Maps text to the characters of its UTF-8 bytes. */
    public static String map(String text) {
        return map(Utf8.encode(text));
    }
}
