package dev.tessera.tokenizers;

import java.io.ByteArrayOutputStream;

/**
 * UTF-8 as the tokenizers need it, where the JDK's codecs differ from Rust's: an unpaired surrogate encodes as
 * U+FFFD (the JDK writes '?'), and decoding replaces each maximal invalid subpart with one U+FFFD, exactly as
 * {@code String::from_utf8_lossy} does.
 */
public final class Utf8 {

    private static final int REPLACEMENT = 0xFFFD;

    private Utf8() {
    }

    /** UTF-8 bytes of {@code text}; unpaired surrogates become U+FFFD (EF BF BD). */
    public static byte[] encode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        encode(text, 0, text.length(), out);
        return out.toByteArray();
    }

    static void encode(String text, int from, int to, ByteArrayOutputStream out) {
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                cp = REPLACEMENT;
            }
            appendCodePoint(cp, out);
        }
    }

    /** Appends the UTF-8 form of one code point; surrogates must already be replaced. */
    public static void appendCodePoint(int cp, ByteArrayOutputStream out) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }

    /**
     * Length of the valid UTF-8 sequence starting at {@code i}, or -(length of the maximal invalid subpart) when
     * the bytes there are not valid UTF-8 (Unicode's "substitution of maximal subparts", which Rust follows).
     */
    public static int sequenceLength(byte[] bytes, int i, int end) {
        int b0 = bytes[i] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int width;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            width = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            width = 3;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F;
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            width = 4;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return -1;
        }
        int n = 1;
        while (n < width) {
            if (i + n >= end) {
                return -n;
            }
            int b = bytes[i + n] & 0xFF;
            if (b < lo || b > hi) {
                return -n;
            }
            lo = 0x80;
            hi = 0xBF;
            n++;
        }
        return width;
    }

    /** Decodes like Rust's {@code String::from_utf8_lossy}. */
    public static String decodeLossy(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int len = sequenceLength(bytes, i, bytes.length);
            if (len < 0) {
                sb.appendCodePoint(REPLACEMENT);
                i -= len;
                continue;
            }
            int b0 = bytes[i] & 0xFF;
            int cp;
            switch (len) {
                case 1 -> cp = b0;
                case 2 -> cp = ((b0 & 0x1F) << 6) | (bytes[i + 1] & 0x3F);
                case 3 -> cp = ((b0 & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
                default -> cp = ((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12)
                        | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F);
            }
            sb.appendCodePoint(cp);
            i += len;
        }
        return sb.toString();
    }
}
